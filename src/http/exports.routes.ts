/**
 * Downloads that may be long, streamed instead of returned as one GraphQL string:
 *   GET /exports/audit?from=ISO&to=ISO   the signed audit export of [from, to) as JSON lines
 *                                        (application/x-ndjson; check it with `face-id verify-audit`)
 * Authenticated like GraphQL (an API key, or the portal's session cookie with its
 * x-csrf-token header), scope audit:read, audited, rate-limited. The file is written a batch
 * of events at a time as it is read; a download cut short (a dependency lost on the way)
 * has no trailer, and verification says so.
 */
import { once } from "node:events";
import type http from "node:http";
import type { Services } from "../app/services.js";
import { DomainError } from "../domain/errors.js";
import type { Logger } from "../observability/logger.js";
import { sendDomainError, sendJson } from "./http-errors.js";
import { admitTenant } from "./tenant-request.js";
import type { Throttle } from "./throttle.js";

function instant(value: string | null, name: string): Date {
  const d = value ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) throw new DomainError("INVALID_INPUT", `${name} must be an ISO 8601 time`);
  return d;
}

export function exportRoutes(o: { services: Services; throttle: Throttle; log: Logger }) {
  return async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== "/exports/audit") return false;
    if (req.method !== "GET") {
      sendJson(res, 405, { error: { reason: "INVALID_INPUT", message: "downloads are read with GET" } });
      return true;
    }
    const actor = await admitTenant(req, res, o.services, o.throttle);
    if (!actor) return true;
    let lines: AsyncIterable<string>;
    let from: Date;
    let to: Date;
    try {
      from = instant(url.searchParams.get("from"), "from");
      to = instant(url.searchParams.get("to"), "to");
      lines = await o.services.compliance.streamAudit(actor, from, to);
    } catch (e) {
      sendDomainError(res, e);
      return true;
    }
    res.writeHead(200, {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.ndjson"`,
      "cache-control": "no-store",
    });
    try {
      for await (const chunk of lines) if (!res.write(chunk)) await once(res, "drain");
      res.end();
    } catch (e) {
      // Headers are gone: cut the download short (no trailer, so it fails verification).
      o.log.error("audit export stopped part-way", { error: e });
      res.destroy();
    }
    return true;
  };
}
