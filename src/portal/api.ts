/**
 * The portal's only way to the server: GraphQL at /graphql with the session cookie (sent
 * by the browser) and the CSRF token (read from the fid_csrf cookie, sent as a header).
 * Errors arrive as ApiError with the server's code and reason.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

export interface PortalUser {
  id: string;
  email: string;
  displayName: string;
  role: "ADMINISTRATOR" | "PRIVACY_OFFICER" | "AUDITOR";
  scopes: string[];
}

function csrfToken(): string {
  const m = /(?:^|;\s*)fid_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : "";
}

/** Called when the server says the session has ended. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

export async function gql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch("/graphql", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken() },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string; reason?: string } }[] };
  const e = body.errors?.[0];
  if (e) {
    const err = new ApiError(e.message, e.extensions?.code ?? "ERROR", e.extensions?.reason ?? "ERROR");
    if (err.reason === "SESSION_INVALID") onSignedOut();
    throw err;
  }
  return body.data as T;
}

async function portalApi<T>(path: string, method: "GET" | "POST", body?: unknown): Promise<T> {
  const res = await fetch(`/portal/api/${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { error?: { reason: string; message: string } } & T;
  if (!res.ok) throw new ApiError(json.error?.message ?? res.statusText, String(res.status), json.error?.reason ?? "ERROR");
  return json;
}

export const signIn = (tenant: string, email: string, password: string) => portalApi<{ user: PortalUser }>("sign-in", "POST", { tenant, email, password });
export const signOut = () => portalApi<{ signedOut: boolean }>("sign-out", "POST", {});
export const currentSession = () => portalApi<{ user: PortalUser | null }>("session", "GET");

/** Saves text as a file the browser downloads. */
export function download(filename: string, text: string, type = "application/json"): void {
  saveBlob(new Blob([text], { type }), filename);
}

function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Downloads a file the server streams (e.g. /exports/audit) with the session and its CSRF token. */
export async function downloadFrom(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { credentials: "same-origin", headers: { "x-csrf-token": csrfToken() } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { reason?: string; message?: string } };
    const err = new ApiError(body.error?.message ?? res.statusText, res.status === 403 ? "FORBIDDEN" : String(res.status), body.error?.reason ?? "ERROR");
    if (err.reason === "SESSION_INVALID") onSignedOut();
    throw err;
  }
  saveBlob(await res.blob(), filename);
}
