/**
 * A small structured logger: one JSON line per entry on stderr. Fields whose names look
 * like secrets or biometrics are replaced by "[redacted]" before anything is written, so
 * a careless `log.info(..., { embedding })` cannot leak. Each line carries the request id
 * and the trace and span ids of the work it was written in, when there are any.
 */

import { isSpanContextValid, trace } from "@opentelemetry/api";
import { currentRequestId } from "./request-context.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SENSITIVE = /(embedding|vector|template|image|ciphertext|wrapped|secret|token|password|authorization|api.?key|master|kek|dek|base64)/i;
const SAFE = new Set(["templateId"]);

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4) return "[deep]";
  if (value instanceof Uint8Array || value instanceof Float32Array || Buffer.isBuffer(value)) return "[redacted]";
  if (Array.isArray(value)) return value.length > 32 ? `[array(${value.length})]` : value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return describeError(value);
  if (value && typeof value === "object") {
    const out: Fields = {};
    for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE.test(k) && !SAFE.has(k) ? "[redacted]" : redact(v, depth + 1);
    return out;
  }
  return value;
}

/**
 * An unexpected error, made safe to log: name, a shortened message with long runs of
 * numbers or hex (possible vectors, keys, bytes) cut out, and the stack frames only.
 */
export function describeError(e: unknown): { name: string; message: string; frames: string[] } {
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message.replace(/[0-9a-fA-F.,+\-\se\[\]]{40,}/g, "[redacted]").slice(0, 300);
  const frames = (err.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at ")).slice(0, 8).map((l) => l.trim());
  return { name: err.name, message, frames };
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  const at = (lvl: Exclude<LogLevel, "silent">) => (msg: string, fields?: Fields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    // The request and the trace the line belongs to, when there are any (request-context.ts, telemetry.ts).
    const requestId = currentRequestId();
    const span = trace.getActiveSpan()?.spanContext();
    const where = { ...(requestId ? { requestId } : {}), ...(span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {}) };
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...where, ...(fields ? (redact(fields) as Fields) : {}) }));
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
