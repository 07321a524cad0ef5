/**
 * Turns database driver failures into the domain's retryable errors: a serialization
 * failure or deadlock (40001, 40P01) becomes TRANSACTION_CONFLICT, which the operation
 * runner retries; a connection that is refused, reset, terminated by the server
 * (57P01 admin shutdown, 08xxx) or a pool that cannot hand out a connection in time
 * becomes DATABASE_UNAVAILABLE; a unique violation (a concurrent writer won the race
 * between a service's check and its insert) becomes ALREADY_EXISTS, and a foreign key
 * violation (what the insert refers to was deleted meanwhile) CONCURRENTLY_DELETED. Anything else is returned unchanged. Shared by the main
 * database (through Prisma) and the key vault (through pg), which name the same failures
 * differently.
 */
import { DomainError, isDomainError, type ErrorReason } from "../../domain/errors.js";

const CONFLICT_SQLSTATES = new Set(["40001", "40P01"]);
const CONFLICT_PRISMA = new Set(["P2034"]);
/** P1001 unreachable, P1008 socket timeout, P1017 connection closed, P2024 pool timeout, P2028 transaction could not start, P2037 too many connections. */
const UNAVAILABLE_PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2037"]);
const UNAVAILABLE_SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /connection (is )?closed/i, /terminating connection/i, /timeout exceeded when trying to connect/i, /client has encountered a connection error/i, /cannot use a pool after calling end/i, /server closed the connection/i];

function* causes(e: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let queue: unknown[] = [e];
  while (queue.length > 0) {
    const next: unknown[] = [];
    for (const x of queue) {
      if (typeof x !== "object" || x === null || seen.has(x)) continue;
      seen.add(x);
      const o = x as Record<string, unknown>;
      yield o;
      next.push(o["cause"], (o["meta"] as Record<string, unknown> | undefined)?.["driverAdapterError"]);
    }
    queue = next;
  }
}

export type StoreFailure = "conflict" | "duplicate" | "gone" | "unavailable" | null;

export function classifyStoreError(e: unknown): StoreFailure {
  if (isDomainError(e)) return null;
  let unavailable = false;
  for (const o of causes(e)) {
    const codes = [o["code"], o["originalCode"]].filter((c): c is string => typeof c === "string");
    if (codes.some((c) => CONFLICT_SQLSTATES.has(c) || CONFLICT_PRISMA.has(c)) || o["kind"] === "TransactionWriteConflict") return "conflict";
    if (codes.some((c) => c === "23505" || c === "P2002") || o["kind"] === "UniqueConstraintViolation") return "duplicate";
    if (codes.some((c) => c === "23503" || c === "P2003") || o["kind"] === "ForeignKeyConstraintViolation") return "gone";
    if (codes.some((c) => UNAVAILABLE_PRISMA.has(c) || UNAVAILABLE_SOCKET.has(c) || c.startsWith("08") || c.startsWith("57P") || c === "53300")) unavailable = true;
    if (o["kind"] === "DatabaseNotReachable" || o["kind"] === "ConnectionClosed" || o["kind"] === "SocketTimeout" || o["kind"] === "TooManyConnections") unavailable = true;
    const message = typeof o["message"] === "string" ? o["message"] : "";
    if (UNAVAILABLE_MESSAGES.some((re) => re.test(message))) unavailable = true;
  }
  return unavailable ? "unavailable" : null;
}

/** The domain error for a driver failure, or the failure itself when it is none of ours to classify. */
export function toStoreError(e: unknown, unavailableReason: ErrorReason = "DATABASE_UNAVAILABLE"): unknown {
  switch (classifyStoreError(e)) {
    case "conflict":
      return new DomainError("TRANSACTION_CONFLICT", "the change conflicted with concurrent changes; retry it");
    case "duplicate":
      // A concurrent writer created the same thing between our check and our insert.
      return new DomainError("ALREADY_EXISTS", "it already exists");
    case "gone":
      // What the change refers to (a gallery, a subject) was deleted by a concurrent call.
      return new DomainError("CONCURRENTLY_DELETED", "something this call refers to was deleted meanwhile");
    case "unavailable":
      return new DomainError(unavailableReason, unavailableReason === "KEY_VAULT_UNAVAILABLE" ? "the key vault is unavailable; retry shortly" : "the database is unavailable; retry shortly");
    default:
      return e;
  }
}

/** Wraps every method of a repository so that driver failures surface as domain errors. */
export function mappingErrors<T extends object>(target: T, reason: ErrorReason = "DATABASE_UNAVAILABLE"): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          const out = (value as (...a: unknown[]) => unknown).apply(obj, args);
          return out instanceof Promise ? out.catch((e: unknown) => Promise.reject(toStoreError(e, reason))) : out;
        } catch (e) {
          throw toStoreError(e, reason);
        }
      };
    },
  });
}
