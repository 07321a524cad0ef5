import { describe, expect, it } from "vitest";
import { LOCKOUT_ATTEMPTS, lockAfter, lockedAt, normaliseEmail, passwordProblem, ROLE_SCOPES, sessionAlive, sessionTimes } from "./portal-user.js";

const at = (min: number) => new Date(Date.UTC(2026, 11, 4, 9) + min * 60_000);

describe("portal users", () => {
  it("locks at the limit of failures, for a while", () => {
    expect(lockAfter(LOCKOUT_ATTEMPTS - 1, at(0))).toBeNull();
    const lock = lockAfter(LOCKOUT_ATTEMPTS, at(0))!;
    expect(lockedAt({ lockedUntil: lock }, at(14))).toBe(true);
    expect(lockedAt({ lockedUntil: lock }, at(15))).toBe(false);
    expect(lockedAt({ lockedUntil: null }, at(0))).toBe(false);
  });

  it("ends a session when idle or past its end", () => {
    const s = sessionTimes(at(0));
    expect(sessionAlive(s, at(29))).toBe(true);
    expect(sessionAlive(s, at(30))).toBe(false);
    expect(sessionAlive({ ...s, lastSeenAt: at(12 * 60 - 1) }, at(12 * 60))).toBe(false);
  });

  it("checks passwords and e-mails, and gives no role a face operation", () => {
    expect(passwordProblem("short")).toMatch(/12/);
    expect(passwordProblem("a long enough one")).toBeNull();
    expect(normaliseEmail(" Ada@Example.ORG ")).toBe("ada@example.org");
    expect(normaliseEmail("no at sign")).toBeNull();
    for (const scopes of Object.values(ROLE_SCOPES)) expect(scopes.filter((s) => s.startsWith("faces:"))).toEqual([]);
    expect(ROLE_SCOPES.AUDITOR.every((s) => s.endsWith(":read"))).toBe(true);
  });
});
