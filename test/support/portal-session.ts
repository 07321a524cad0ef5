/** Signs in to the portal over HTTP as a browser would, for API tests of cookie sessions. */
export interface PortalSession {
  status: number;
  body: Record<string, any>;
  /** Headers for /graphql as the portal sends them: both cookies and x-csrf-token. */
  headers: Record<string, string>;
  cookies: Record<string, string>;
  setCookie: string[];
}

export async function portalSignIn(graphqlUrl: string, tenant: string, email: string, password: string): Promise<PortalSession> {
  const res = await fetch(graphqlUrl.replace("/graphql", "/portal/api/sign-in"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant, email, password }),
  });
  const setCookie = res.headers.getSetCookie();
  const cookies = Object.fromEntries(setCookie.map((c) => c.split(";")[0]!.split("=") as [string, string]));
  const cookieHeader = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join("; ");
  return {
    status: res.status,
    body: (await res.json()) as Record<string, any>,
    cookies,
    setCookie,
    headers: { cookie: cookieHeader, "x-csrf-token": decodeURIComponent(cookies["fid_csrf"] ?? "") },
  };
}
