/** A minimal GraphQL-over-HTTP client for end-to-end tests. */

export interface GqlError {
  message: string;
  extensions?: { code?: string; reason?: string; [k: string]: unknown };
}

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: GqlError[] | undefined;
}

export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlError[] };
  return { status: res.status, data: body.data, errors: body.errors };
}

export function bearer(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}

/** The single error's code and reason, or throws with the response when there is none. */
export function errorOf(r: GqlResponse): { code: string | undefined; reason: string | undefined; message: string } {
  const e = r.errors?.[0];
  if (!e) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
  return { code: e.extensions?.code, reason: e.extensions?.reason, message: e.message };
}
