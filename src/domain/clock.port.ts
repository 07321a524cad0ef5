/** Time and identifiers are injected so that retention, audit and tests are deterministic. */
import { randomInt, randomUUID } from "node:crypto";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Id prefixes make ids self-describing in logs and support tickets. */
export type IdKind = "ten" | "key" | "sub" | "con" | "gal" | "tpl" | "dec" | "evt" | "dsr" | "job" | "liv" | "obx" | "usr" | "ntc" | "bat" | "str";

export interface IdGenerator {
  next(kind: IdKind): string;
}

export const randomIds: IdGenerator = {
  next: (kind) => `${kind}_${randomUUID().replaceAll("-", "")}`,
};

/** Unpredictable choices (liveness challenges); injected so tests can fix them. */
export interface RandomSource {
  /** A uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

export const cryptoRandom: RandomSource = { int: (maxExclusive) => randomInt(maxExclusive) };
