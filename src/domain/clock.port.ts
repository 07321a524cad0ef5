/** Time and identifiers are injected so that retention, audit and tests are deterministic. */
import { randomUUID } from "node:crypto";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Id prefixes make ids self-describing in logs and support tickets. */
export type IdKind = "ten" | "key" | "sub" | "con" | "gal" | "tpl" | "dec" | "evt" | "dsr" | "job";

export interface IdGenerator {
  next(kind: IdKind): string;
}

export const randomIds: IdGenerator = {
  next: (kind) => `${kind}_${randomUUID().replaceAll("-", "")}`,
};
