/** A clock tests move by hand (retention, expiry, deadlines). */
import type { Clock } from "../../src/domain/clock.port.js";

export class FakeClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
  set(d: Date): void {
    this.t = d.getTime();
  }
}

export const DAY = 86_400_000;

/** Moves the clock by milliseconds. */
export function advanceMs(clock: FakeClock, ms: number): void {
  clock.set(new Date(clock.now().getTime() + ms));
}
