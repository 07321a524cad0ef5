/**
 * Video and camera streams over plain HTTP (the session is opened with the GraphQL
 * mutation openStream; src/services/stream.service.ts):
 *   POST /streams/{id}/frames   one frame (the image bytes as the body: JPEG, PNG or WebP);
 *                               header x-frame-timestamp: its stream time in ms (default:
 *                               arrival). Answers what happened to it and the events it gave.
 *   POST /streams/{id}/video    a video file as the body (Matroska, WebM, AVI, MPEG-TS, MJPEG,
 *                               streamable MP4), decoded with ffmpeg where installed at the
 *                               session's sampling rate; header x-stream-offset: the stream
 *                               time of its first frame (ms). Answers when it has been read.
 *   GET  /streams/{id}/events   the session's identification events as server-sent events
 *                               (event: identification, id: its seq; Last-Event-ID resumes),
 *                               ending when the session closes.
 * Authenticated like GraphQL (an API key, or the portal session with its CSRF header), the
 * session's own tenant only, rate-limited per key.
 */
import type http from "node:http";
import type { Services } from "../app/services.js";
import { DomainError } from "../domain/errors.js";
import type { Actor } from "../domain/tenant.js";
import { readBytes } from "./body.js";
import { sendDomainError, sendJson } from "./http-errors.js";
import { admitTenant, headerReader } from "./tenant-request.js";
import type { Throttle } from "./throttle.js";

const ROUTE = /^\/streams\/([A-Za-z0-9_-]{1,80})\/(frames|video|events)$/;
/** Comment lines keep idle event streams open through proxies. */
const HEARTBEAT_MS = 15_000;

export function streamRoutes(o: { services: Services; throttle: Throttle; maxImageBytes: number; maxVideoBytes: number }) {
  return async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    const m = ROUTE.exec(url.pathname);
    if (!m) return false;
    const [, streamId, what] = m as unknown as [string, string, "frames" | "video" | "events"];
    const wantMethod = what === "events" ? "GET" : "POST";
    if (req.method !== wantMethod) {
      sendJson(res, 405, { error: { reason: "INVALID_INPUT", message: `${what} ${what === "events" ? "are read with GET" : "must be posted"}` } });
      req.resume();
      return true;
    }
    const actor = await admitTenant(req, res, o.services, o.throttle);
    if (!actor) return true;
    const header = headerReader(req);
    try {
      if (what === "frames") await frame(req, res, actor, streamId, header("x-frame-timestamp"));
      else if (what === "video") await video(req, res, actor, streamId, header("x-stream-offset"));
      else events(req, res, actor, streamId, header("last-event-id"));
    } catch (e) {
      req.resume();
      sendDomainError(res, e);
    }
    return true;
  };

  async function frame(req: http.IncomingMessage, res: http.ServerResponse, actor: Actor, streamId: string, timestamp: string | undefined): Promise<void> {
    // A frame for a session not open here is refused unread.
    o.services.streams.ensureOpen(actor, streamId);
    const at = timestamp === undefined ? null : Number(timestamp);
    if (at !== null && !Number.isFinite(at)) throw new DomainError("INVALID_INPUT", "x-frame-timestamp must be a number of milliseconds");
    const image = await readBytes(req, o.maxImageBytes);
    if (image === null) throw new DomainError("IMAGE_TOO_LARGE", `a frame may be at most ${o.maxImageBytes} bytes`);
    if (image.length === 0) throw new DomainError("INVALID_IMAGE", "the frame is empty");
    try {
      sendJson(res, 200, await o.services.streams.frame(actor, streamId, image, at));
    } finally {
      image.fill(0);
    }
  }

  async function video(req: http.IncomingMessage, res: http.ServerResponse, actor: Actor, streamId: string, offset: string | undefined): Promise<void> {
    o.services.streams.ensureOpen(actor, streamId);
    const at = offset === undefined ? 0 : Number(offset);
    if (!Number.isFinite(at)) throw new DomainError("INVALID_INPUT", "x-stream-offset must be a number of milliseconds");
    sendJson(res, 200, await o.services.streams.video(actor, streamId, bounded(req, o.maxVideoBytes), at));
  }

  function events(req: http.IncomingMessage, res: http.ServerResponse, actor: Actor, streamId: string, lastEventId: string | undefined): void {
    o.services.streams.ensureOpen(actor, streamId); // before the 200 goes out
    const after = Number(lastEventId ?? 0);
    let unsubscribe: (() => void) | undefined;
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe?.();
    };
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
    res.write(": open\n\n");
    try {
      unsubscribe = o.services.streams.subscribe(actor, streamId, Number.isFinite(after) ? after : 0, (e) => {
        if (e === null) {
          res.write("event: closed\ndata: {}\n\n");
          stop();
          res.end();
          return;
        }
        res.write(`id: ${e.seq}\nevent: identification\ndata: ${JSON.stringify(e)}\n\n`);
      });
    } catch (e) {
      stop();
      throw e;
    }
    req.on("close", stop);
  }
}

/** The request body as it arrives, refused IMAGE_TOO_LARGE past `limit` bytes. */
async function* bounded(req: http.IncomingMessage, limit: number): AsyncIterable<Uint8Array> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new DomainError("IMAGE_TOO_LARGE", `a video may be at most ${limit} bytes`);
    }
    yield chunk;
  }
}
