import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicies } from "../../adapters/policy/policy-files.js";
import { parsePolicyDocument } from "./policy-parse.js";
import { PolicySet } from "./policy-set.js";

const example = () => JSON.parse(readFileSync(new URL("../../../policies/default.policy.json", import.meta.url), "utf8")) as Record<string, any>;

describe("policy documents", () => {
  it("reads the shipped default policy", () => {
    const r = parsePolicyDocument(example(), "default.policy.json");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.document.purposes.keys()]).toEqual(["access_control", "payment_verification", "identity_proofing", "attendance"]);
    expect(r.document.purposes.get("identity_proofing")).toMatchObject({ operations: ["enroll", "verify", "detect", "compare"], identification: false, capture: { duplicateCheck: "refuse" } });
    expect(r.document.purposes.get("payment_verification")).toMatchObject({ consentType: "written_release", identification: false, retention: { maxDays: 365, unusedDays: 90 } });
  });

  it("reads capture rules, defaulting to no liveness requirement and no attribute storage", () => {
    const r = parsePolicyDocument(example(), "default.policy.json");
    if (!r.ok) throw new Error(r.problems.join("\n"));
    expect(r.document.purposes.get("payment_verification")!.capture).toMatchObject({ passiveLiveness: { operations: ["verify"], minScore: 0.5 }, activeLiveness: [], storeAttributes: false });
    expect(r.document.purposes.get("access_control")!.capture).toEqual({ quality: {}, gateProbes: false, passiveLiveness: null, activeLiveness: [], storeAttributes: false, duplicateCheck: null });
    const doc = example();
    doc["purposes"]["access_control"]["capture"] = { quality: { maxYaw: 20, minInterEyeDistance: 60 }, gateProbes: true, activeLiveness: ["verify"] };
    const strict = parsePolicyDocument(doc, "f.json");
    if (!strict.ok) throw new Error(strict.problems.join("\n"));
    expect(strict.document.purposes.get("access_control")!.capture).toMatchObject({ quality: { maxYaw: 20, minInterEyeDistance: 60 }, gateProbes: true, activeLiveness: ["verify"] });
  });

  it("rejects bad capture rules, listing every problem", () => {
    const doc = example();
    doc["purposes"]["access_control"]["capture"] = {
      quality: { maxYaw: 200, sharpnes: 1, minBrightness: 220 },
      passiveLiveness: { operations: ["attributes"], minScore: 2 },
      activeLiveness: ["identify"],
      duplicateCheck: "warn",
      colour: true,
    };
    const r = parsePolicyDocument(doc, "f.json");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join("\n");
    const at = "f.json.purposes.access_control.capture";
    expect(text).toContain(`${at}.colour: unknown key`);
    expect(text).toContain(`${at}.quality.sharpnes: unknown key`);
    expect(text).toContain(`${at}.quality.maxYaw: must be a number from 0 to 90`);
    expect(text).toContain(`${at}.quality: minBrightness (220) must be below maxBrightness (210)`);
    expect(text).toContain(`${at}.passiveLiveness.minScore: must be a number from 0 to 1`);
    expect(text).toContain(`${at}.passiveLiveness.operations: attributes is not among the purpose's operations`);
    expect(text).toContain(`${at}.activeLiveness: only verify can require an active-liveness session, not identify`);
    expect(text).toContain(`${at}.duplicateCheck: must be one of refuse, review (or null)`);
    const noEnroll = example();
    noEnroll["purposes"]["attendance"]["operations"] = ["verify"];
    noEnroll["purposes"]["attendance"]["capture"] = { duplicateCheck: "review" };
    const r2 = parsePolicyDocument(noEnroll, "g.json");
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.problems.join("\n")).toContain("g.json.purposes.attendance.capture.duplicateCheck: enroll is not among the purpose's operations");
  });

  it("rejects unknown keys, wrong types and contradictions, listing every problem", () => {
    const doc = example();
    doc["colour"] = "blue";
    doc["purposes"]["access_control"]["retension"] = 3;
    doc["purposes"]["access_control"]["operations"] = ["enroll", "fly"];
    doc["purposes"]["payment_verification"]["operations"] = ["verify", "identify"];
    doc["purposes"]["attendance"]["retention"] = { maxDays: 10, unusedDays: 30 };
    delete doc["purposes"]["attendance"]["fallback"];
    doc["purposes"]["Bad Name"] = doc["purposes"]["attendance"];
    const r = parsePolicyDocument(doc, "f.json");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join("\n");
    expect(text).toContain("f.json.colour: unknown key");
    expect(text).toContain("f.json.purposes.access_control.retension: unknown key");
    expect(text).toContain("f.json.purposes.access_control.operations[1]: must be one of");
    expect(text).toContain("payment_verification.operations: lists identify but identification is false");
    expect(text).toContain("attendance.retention.unusedDays: cannot exceed maxDays");
    expect(text).toContain("attendance.fallback: required because requireFallback is true");
    expect(text).toContain("purposes.Bad Name: a purpose must be");
  });

  it("requires the mandatory fields", () => {
    const r = parsePolicyDocument({ purposes: { x_y: {} } }, "g.json");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining(["g.json.version: required", "g.json.tenant: required", "g.json.purposes.x_y.description: required", "g.json.purposes.x_y.retention: must be an object"]),
    );
  });

  it("gives a tenant its own document plus the default's deny rules, others the default", () => {
    const def = parsePolicyDocument(example(), "default.policy.json");
    const own = example();
    own["tenant"] = "acme";
    own["version"] = "acme-7";
    own["deny"] = [];
    delete own["purposes"]["attendance"];
    const acme = parsePolicyDocument(own, "acme.policy.json");
    if (!def.ok || !acme.ok) throw new Error("fixtures must parse");
    const set = new PolicySet([def.document, acme.document]);
    const a = set.forTenant("acme")!;
    expect(a.version).toBe("acme-7+2026-11-28.1");
    expect([...a.purposes.keys()]).not.toContain("attendance");
    expect(a.deny.map((d) => d.because)).toEqual([expect.stringContaining("EU AI Act")]);
    expect(set.forTenant("other")!.version).toBe("2026-11-28.1");
    expect(() => new PolicySet([def.document, def.document])).toThrow(/already governed/);
    expect(new PolicySet([acme.document]).forTenant("other")).toBeNull();
  });

  it("loads a folder, failing with every problem of every file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "policies-"));
    await writeFile(path.join(dir, "a.policy.json"), "{ not json");
    await writeFile(path.join(dir, "b.policy.json"), JSON.stringify({ version: "1", tenant: "*", purposes: {}, extra: 1 }));
    await expect(loadPolicies(dir)).rejects.toThrow(/a\.policy\.json: not valid JSON[\s\S]*b\.policy\.json\.extra: unknown key[\s\S]*b\.policy\.json\.purposes: must define at least one purpose/);
    const ok = await loadPolicies(path.resolve("policies"));
    expect(ok.forTenant("anyone")?.purposes.has("access_control")).toBe(true);
  });
});
