import { describe, expect, it } from "vitest";
import { activeConsentFor, consentState, isActive, validatePurpose, type Consent } from "./consent.js";
import { DomainError } from "./errors.js";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
const consent = (purpose: string, granted: number, withdrawn: number | null): Consent => ({
  id: `con_${purpose}_${granted}`,
  tenantId: "ten",
  subjectId: "sub",
  purpose,
  noticeVersion: "v1",
  noticeHash: null,
  method: "CLICK",
  evidenceRef: null,
  separate: true,
  byGuardian: false,
  grantedAt: t(granted),
  expiresAt: null,
  withdrawnAt: withdrawn === null ? null : t(withdrawn),
});

describe("consent", () => {
  it("is active from grant until withdrawal", () => {
    const c = consent("access_control", 10, 20);
    expect(isActive(c, t(5))).toBe(false);
    expect(isActive(c, t(10))).toBe(true);
    expect(isActive(c, t(19))).toBe(true);
    expect(isActive(c, t(20))).toBe(false);
  });

  it("lapses by itself at its expiry time", () => {
    const c = { ...consent("access_control", 0, null), expiresAt: t(30) };
    expect(consentState(c, t(29))).toBe("ACTIVE");
    expect(consentState(c, t(30))).toBe("EXPIRED");
    expect(consentState({ ...c, withdrawnAt: t(10) }, t(31))).toBe("WITHDRAWN");
    expect(consentState(c, t(-1))).toBe("PENDING");
  });

  it("covers only its own purpose", () => {
    const list = [consent("access_control", 0, null), consent("payment_verification", 0, 5)];
    expect(activeConsentFor(list, "access_control", t(10))?.purpose).toBe("access_control");
    expect(activeConsentFor(list, "payment_verification", t(10))).toBeUndefined();
    expect(activeConsentFor(list, "attendance", t(10))).toBeUndefined();
  });

  it("finds a re-granted consent after a withdrawn one", () => {
    const list = [consent("attendance", 0, 5), consent("attendance", 8, null)];
    expect(activeConsentFor(list, "attendance", t(6))).toBeUndefined();
    expect(activeConsentFor(list, "attendance", t(9))?.grantedAt).toEqual(t(8));
  });

  it("accepts snake_case purposes and rejects others", () => {
    expect(validatePurpose("access_control")).toBe("access_control");
    for (const bad of ["", "a", "Access", "access-control", "1abc", "x".repeat(65), "drop table"]) {
      expect(() => validatePurpose(bad)).toThrow(DomainError);
    }
  });
});
