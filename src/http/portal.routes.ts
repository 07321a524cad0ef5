/**
 * The admin consent portal over HTTP:
 *   POST /portal/api/sign-in    {tenant, email, password} → the user; sets the session cookie
 *                               (httpOnly) and the CSRF cookie (read by the portal's script)
 *   POST /portal/api/sign-out   ends the session, clears both cookies
 *   GET  /portal/api/session    the signed-in user (null when none)
 *   GET  /portal, /portal/...   the portal's built files (dist/portal), index.html for its
 *                               own routes, under a strict Content-Security-Policy
 * Everything else the portal does goes through /graphql with the session cookie and the
 * `x-csrf-token` header (src/graphql/context.ts). Both cookies are SameSite=Strict.
 * Failed sign-ins count against the client address like a wrong API key (throttle.ts).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { DomainError, isDomainError } from "../domain/errors.js";
import { sendDomainError, sendJson, sendThrottled } from "./http-errors.js";
import { cookieOf, CSRF_COOKIE, SESSION_COOKIE } from "../graphql/context.js";
import type { PortalUserService } from "../services/portal-user.service.js";
import type { Throttle } from "./throttle.js";

/** Strict: only the portal's own script, styles and API; no inline code, no framing. */
export const PORTAL_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".ico": "image/x-icon",
};

export interface PortalRoutesOptions {
  users: PortalUserService;
  throttle: Throttle;
  /** Folder of the built portal (vite build output). */
  staticDir: string;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
}

export function portalRoutes(o: PortalRoutesOptions) {
  const cookie = (name: string, value: string, maxAgeSeconds: number, httpOnly: boolean) =>
    `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAgeSeconds}; SameSite=Strict${httpOnly ? "; HttpOnly" : ""}${o.secureCookies ? "; Secure" : ""}`;

  const send = (res: http.ServerResponse, status: number, value: unknown, cookies: string[] = []) => sendJson(res, status, value, cookies.length > 0 ? { "set-cookie": cookies } : {});

  async function json(req: http.IncomingMessage): Promise<Record<string, unknown> | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 16 * 1024) return null;
      chunks.push(c as Buffer);
    }
    try {
      const v = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
      return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  async function serveStatic(res: http.ServerResponse, pathname: string): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname.replace(/^\/portal\/?/, ""));
    } catch {
      throw new DomainError("INVALID_INPUT", "the address is not valid");
    }
    const file = path.resolve(o.staticDir, rel);
    const inside = file.startsWith(path.resolve(o.staticDir) + path.sep);
    const target = inside && path.extname(file) !== "" && existsSync(file) ? file : path.join(o.staticDir, "index.html");
    if (!existsSync(target)) {
      res.statusCode = 404;
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end("The portal is not built: run `npm run build`.");
      return;
    }
    res.statusCode = 200;
    res.setHeader("content-type", TYPES[path.extname(target)] ?? "application/octet-stream");
    res.setHeader("content-security-policy", PORTAL_CSP);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    res.setHeader("x-frame-options", "DENY");
    res.setHeader("cache-control", target.endsWith("index.html") ? "no-store" : "public, max-age=3600");
    res.end(await readFile(target));
  }

  /** Handles the request when it is the portal's; false otherwise. */
  return async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== "/portal" && !url.pathname.startsWith("/portal/")) return false;
    const address = req.socket.remoteAddress ?? "unknown";
    try {
      if (url.pathname === "/portal/api/sign-in" && req.method === "POST") {
        const wait = await o.throttle.authBlocked(address);
        if (wait !== null) {
          sendThrottled(res, wait, "too many failed sign-ins");
          return true;
        }
        const body = await json(req);
        const [tenant, email, password] = [body?.["tenant"], body?.["email"], body?.["password"]];
        if (typeof tenant !== "string" || typeof email !== "string" || typeof password !== "string") {
          send(res, 400, { error: { reason: "INVALID_INPUT", message: "send JSON {tenant, email, password}" } });
          return true;
        }
        try {
          const s = await o.users.signIn(tenant, email, password);
          const age = Math.max(1, Math.floor((s.expiresAt.getTime() - Date.now()) / 1000));
          send(res, 200, { user: s.user, expiresAt: s.expiresAt }, [cookie(SESSION_COOKIE, s.sessionToken, age, true), cookie(CSRF_COOKIE, s.csrfToken, age, false)]);
        } catch (e) {
          if (isDomainError(e) && e.kind === "UNAUTHENTICATED") await o.throttle.authFailed(address);
          sendDomainError(res, e);
        }
        return true;
      }
      if (url.pathname === "/portal/api/sign-out" && req.method === "POST") {
        const token = cookieOf(req.headers.cookie, SESSION_COOKIE);
        if (token) await o.users.signOut(token);
        send(res, 200, { signedOut: true }, [cookie(SESSION_COOKIE, "", 0, true), cookie(CSRF_COOKIE, "", 0, false)]);
        return true;
      }
      if (url.pathname === "/portal/api/session" && req.method === "GET") {
        const token = cookieOf(req.headers.cookie, SESSION_COOKIE);
        // Not signed in is an answer, not an error: the portal then shows its sign-in form.
        const actor = token ? await o.users.authenticate(token, null, false).catch(() => null) : null;
        send(res, 200, { user: actor ? await o.users.whoAmI(actor) : null });
        return true;
      }
      if (url.pathname.startsWith("/portal/api/")) {
        send(res, 404, { error: { reason: "NOT_FOUND", message: "no such portal endpoint" } });
        return true;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        send(res, 405, { error: { reason: "INVALID_INPUT", message: "the portal's pages are read with GET" } });
        return true;
      }
      await serveStatic(res, url.pathname);
      return true;
    } catch (e) {
      sendDomainError(res, e);
      return true;
    }
  };
}
