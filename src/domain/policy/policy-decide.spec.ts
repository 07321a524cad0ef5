import { describe, expect, it } from "vitest";
import { activeConsentFor, CONSENT_METHODS, type Consent } from "../consent.js";
import { ageInYears, decide, type PolicySubject } from "./policy-decide.js";
import { DEFAULT_CAPTURE_POLICY, OPERATIONS, type EffectivePolicy, type PurposePolicy } from "./policy.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const day = 86_400_000;

const purpose = (name: string, over: Partial<PurposePolicy> = {}): PurposePolicy => ({
  name,
  description: name,
  operations: ["enroll", "verify"],
  legalBasis: "explicit_consent",
  consentType: "explicit",
  retention: { maxDays: 365, unusedDays: null },
  minMatchThreshold: null,
  identification: false,
  dpiaReference: "DPIA-1",
  fallback: "PIN",
  minAgeWithoutGuardian: null,
  keepRawImages: false,
  capture: DEFAULT_CAPTURE_POLICY,
  ...over,
});

const policy = (purposes: PurposePolicy[], over: Partial<EffectivePolicy> = {}): EffectivePolicy => ({
  version: "test-1",
  tenant: "acme",
  requireDpiaReference: false,
  requireFallback: false,
  purposes: new Map(purposes.map((p) => [p.name, p])),
  deny: [],
  ...over,
});

let n = 0;
const consent = (purposeName: string, over: Partial<Consent> = {}): Consent => ({
  id: `con_${++n}`,
  tenantId: "ten",
  subjectId: "sub",
  purpose: purposeName,
  noticeVersion: "v1",
  noticeHash: null,
  method: "CLICK",
  evidenceRef: null,
  separate: false,
  byGuardian: false,
  grantedAt: new Date(NOW.getTime() - 10 * day),
  expiresAt: null,
  withdrawnAt: null,
  ...over,
});

const subject = (consents: Consent[], over: Partial<PolicySubject> = {}): PolicySubject => ({ id: "sub", legalHold: false, restricted: false, dateOfBirth: null, consents, ...over });

const ask = (p: EffectivePolicy, s: PolicySubject, operation: (typeof OPERATIONS)[number], purposeName: string) =>
  decide({ actor: "apikey:k", policy: p, subject: s, operation, purpose: purposeName, now: NOW });

describe("policy decision", () => {
  const base = policy([purpose("access_control"), purpose("attendance", { operations: ["enroll", "verify", "identify"], identification: true })]);

  it("permits a declared operation with an active consent for the purpose, and says which consent", () => {
    const c = consent("access_control");
    const d = ask(base, subject([c]), "verify", "access_control");
    expect(d).toMatchObject({ effect: "permit", policyVersion: "test-1", consent: { id: c.id } });
  });

  it("denies without consent, with consent for another purpose, withdrawn, expired or not yet valid", () => {
    expect(ask(base, subject([]), "verify", "access_control")).toMatchObject({ effect: "deny", reason: "CONSENT_REQUIRED" });
    expect(ask(base, subject([consent("attendance")]), "verify", "access_control")).toMatchObject({ reason: "CONSENT_REQUIRED" });
    expect(ask(base, subject([consent("access_control", { withdrawnAt: new Date(NOW.getTime() - day) })]), "verify", "access_control")).toMatchObject({ reason: "CONSENT_REQUIRED" });
    expect(ask(base, subject([consent("access_control", { expiresAt: NOW })]), "verify", "access_control")).toMatchObject({ reason: "CONSENT_REQUIRED" });
    expect(ask(base, subject([consent("access_control", { grantedAt: new Date(NOW.getTime() + 1) })]), "verify", "access_control")).toMatchObject({ reason: "CONSENT_REQUIRED" });
  });

  it("denies purposes the policy does not declare (default deny)", () => {
    expect(ask(base, subject([consent("marketing")]), "verify", "marketing")).toMatchObject({ effect: "deny", reason: "PURPOSE_NOT_DECLARED" });
  });

  it("denies operations the purpose does not allow", () => {
    expect(ask(base, subject([consent("access_control")]), "attributes", "access_control")).toMatchObject({ reason: "OPERATION_NOT_ALLOWED" });
  });

  it("denies identification where 1:N is not allowed, and without consent even where it is", () => {
    expect(ask(base, subject([consent("access_control")]), "identify", "access_control")).toMatchObject({ reason: "IDENTIFICATION_NOT_ALLOWED" });
    expect(ask(base, subject([consent("attendance")]), "identify", "attendance").effect).toBe("permit");
    expect(ask(base, subject([]), "identify", "attendance")).toMatchObject({ effect: "deny", reason: "CONSENT_REQUIRED" });
  });

  it("lets a deny rule override a permit, for matching operations and purposes only", () => {
    const p = policy(base.purposes.size ? [...base.purposes.values()] : [], { deny: [{ operations: ["identify"], purposes: ["attendance"], because: "works council agreement" }] });
    const s = subject([consent("attendance")]);
    expect(ask(p, s, "identify", "attendance")).toMatchObject({ effect: "deny", reason: "DENIED_BY_RULE", explanation: "works council agreement" });
    expect(ask(p, s, "verify", "attendance").effect).toBe("permit");
    const all = policy([...base.purposes.values()], { deny: [{ operations: [], purposes: [], because: "suspended" }] });
    for (const op of OPERATIONS) expect(ask(all, s, op, "attendance")).toMatchObject({ effect: "deny", reasons: expect.arrayContaining(["DENIED_BY_RULE"]) });
  });

  it("checks the kind of consent: separate, and written release with evidence", () => {
    const p = policy([purpose("payments", { consentType: "written_release" }), purpose("school", { consentType: "separate" })]);
    expect(ask(p, subject([consent("payments", { method: "CLICK", evidenceRef: "env-1" })]), "verify", "payments")).toMatchObject({ reason: "CONSENT_TYPE_INSUFFICIENT" });
    expect(ask(p, subject([consent("payments", { method: "WRITTEN", evidenceRef: null })]), "verify", "payments")).toMatchObject({ reason: "CONSENT_TYPE_INSUFFICIENT" });
    expect(ask(p, subject([consent("payments", { method: "E_SIGNATURE", evidenceRef: "env-1" })]), "verify", "payments").effect).toBe("permit");
    expect(ask(p, subject([consent("school", { separate: false })]), "enroll", "school")).toMatchObject({ reason: "CONSENT_TYPE_INSUFFICIENT" });
    expect(ask(p, subject([consent("school", { separate: true })]), "enroll", "school").effect).toBe("permit");
  });

  it("needs a guardian's consent below the minimum age, or when the age is unknown", () => {
    const p = policy([purpose("school", { minAgeWithoutGuardian: 14 })]);
    const c = consent("school");
    expect(ask(p, subject([c]), "enroll", "school")).toMatchObject({ reason: "GUARDIAN_CONSENT_REQUIRED" });
    expect(ask(p, subject([c], { dateOfBirth: new Date("2012-06-16T00:00:00Z") }), "enroll", "school")).toMatchObject({ reason: "GUARDIAN_CONSENT_REQUIRED" });
    expect(ask(p, subject([c], { dateOfBirth: new Date("2012-06-15T00:00:00Z") }), "enroll", "school").effect).toBe("permit");
    expect(ask(p, subject([{ ...c, byGuardian: true }], { dateOfBirth: new Date("2020-01-01T00:00:00Z") }), "enroll", "school").effect).toBe("permit");
  });

  it("suspends matching, but not enrollment, under legal hold", () => {
    const s = subject([consent("attendance")], { legalHold: true });
    expect(ask(base, s, "verify", "attendance")).toMatchObject({ effect: "deny", reason: "LEGAL_HOLD" });
    expect(ask(base, s, "identify", "attendance")).toMatchObject({ effect: "deny", reason: "LEGAL_HOLD" });
    expect(ask(base, s, "enroll", "attendance").effect).toBe("permit");
  });

  it("refuses every operation while processing is restricted, and permits them again once lifted", () => {
    const c = [consent("attendance")];
    for (const op of ["enroll", "verify", "identify"] as const) {
      expect(ask(base, subject(c, { restricted: true }), op, "attendance")).toMatchObject({ effect: "deny", reason: "PROCESSING_RESTRICTED", reasons: ["PROCESSING_RESTRICTED"] });
      expect(ask(base, subject(c), op, "attendance").effect).toBe("permit");
    }
  });

  it("denies purposes lacking a DPIA reference or fallback when the policy requires them", () => {
    const p = policy([purpose("access_control", { dpiaReference: null, fallback: null })], { requireDpiaReference: true, requireFallback: true });
    expect(ask(p, subject([consent("access_control")]), "verify", "access_control")).toMatchObject({ effect: "deny", reasons: ["DPIA_MISSING", "FALLBACK_MISSING"] });
  });

  it("reports every failing rule at once, the first as the reason", () => {
    const d = ask(base, subject([], { legalHold: true }), "identify", "access_control");
    expect(d).toMatchObject({ effect: "deny", reason: "IDENTIFICATION_NOT_ALLOWED", reasons: ["IDENTIFICATION_NOT_ALLOWED", "CONSENT_REQUIRED", "LEGAL_HOLD"] });
  });

  it("computes ages by calendar", () => {
    expect(ageInYears(new Date("2000-02-29T00:00:00Z"), new Date("2018-02-28T00:00:00Z"))).toBe(17);
    expect(ageInYears(new Date("2000-02-29T00:00:00Z"), new Date("2018-03-01T00:00:00Z"))).toBe(18);
  });

  it("property: random purposes × consents × operations never permit without a covering active consent", () => {
    let seed = 0x5eed;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const names = ["access_control", "attendance", "payment_verification", "marketing", "research"];
    let permits = 0;
    for (let i = 0; i < 5000; i++) {
      const declared = names.filter(() => rand() < 0.7).map((name) =>
        purpose(name, {
          operations: OPERATIONS.filter(() => rand() < 0.6),
          identification: rand() < 0.5,
          consentType: pick(["explicit", "separate", "written_release"] as const),
          minAgeWithoutGuardian: rand() < 0.3 ? 16 : null,
        }),
      );
      const consents = Array.from({ length: Math.floor(rand() * 4) }, () =>
        consent(pick(names), {
          method: pick(CONSENT_METHODS),
          evidenceRef: rand() < 0.5 ? "ev" : null,
          separate: rand() < 0.5,
          byGuardian: rand() < 0.3,
          grantedAt: new Date(NOW.getTime() + (rand() - 0.8) * 20 * day),
          withdrawnAt: rand() < 0.3 ? new Date(NOW.getTime() + (rand() - 0.5) * 20 * day) : null,
          expiresAt: rand() < 0.3 ? new Date(NOW.getTime() + (rand() - 0.5) * 20 * day) : null,
        }),
      );
      const s = subject(consents, { legalHold: rand() < 0.1, dateOfBirth: rand() < 0.5 ? new Date("1990-01-01T00:00:00Z") : null });
      const op = pick(OPERATIONS);
      const name = pick(names);
      const d = ask(policy(declared), s, op, name);
      if (d.effect === "permit") {
        permits++;
        const covering = activeConsentFor(consents, name, NOW);
        expect(covering, `permit without consent: ${op} ${name}`).toBeDefined();
        expect(d.consent.id).toBe(covering!.id);
        expect(d.purpose.operations).toContain(op);
        if (op === "identify") expect(d.purpose.identification).toBe(true);
      }
    }
    // The generator must exercise both outcomes, or the property says nothing.
    expect(permits).toBeGreaterThan(100);
    expect(permits).toBeLessThan(4900);
  });
});
