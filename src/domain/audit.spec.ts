import { describe, expect, it } from "vitest";
import { GENESIS_HASH, chainEvent, verifyChain, type AuditEvent, type AuditEventInput } from "./audit.js";

function buildChain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let seq = 0;
  let head = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const input: AuditEventInput = { tenantId: "ten_a", actor: "apikey:key_1", action: i % 2 ? "VERIFY_FACE" : "ENROLL_FACE", subjectId: "sub_1", purpose: "access_control", outcome: "SUCCESS" };
    const e = chainEvent(input, `evt_${i}`, new Date(Date.UTC(2026, 0, 1, 0, 0, i)), seq, head);
    events.push(e);
    seq = e.seq;
    head = e.hash;
  }
  return events;
}

describe("audit hash chain", () => {
  it("links each event to the previous one from the genesis hash", () => {
    const chain = buildChain(3);
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set(chain.map((e) => e.hash)).size).toBe(3);
  });

  it("verifies an intact chain and its head", () => {
    const chain = buildChain(5);
    const report = verifyChain(chain, { seq: 5, hash: chain[4]!.hash });
    expect(report).toMatchObject({ valid: true, length: 5, brokenAtSeq: null, headHash: chain[4]!.hash });
  });

  it("detects an altered field", () => {
    const chain = buildChain(4);
    chain[2] = { ...chain[2]!, outcome: "DENIED" };
    expect(verifyChain(chain)).toMatchObject({ valid: false, brokenAtSeq: 3 });
  });

  it("detects an altered timestamp", () => {
    const chain = buildChain(4);
    chain[1] = { ...chain[1]!, at: new Date(0) };
    expect(verifyChain(chain)).toMatchObject({ valid: false, brokenAtSeq: 2 });
  });

  it("detects a removed event in the middle", () => {
    const chain = buildChain(4);
    chain.splice(1, 1);
    expect(verifyChain(chain)).toMatchObject({ valid: false, brokenAtSeq: 3 });
  });

  it("detects events cut off the end, given the recorded head", () => {
    const chain = buildChain(4);
    const head = { seq: 4, hash: chain[3]!.hash };
    expect(verifyChain(chain.slice(0, 3), head)).toMatchObject({ valid: false });
    expect(verifyChain(chain.slice(0, 3))).toMatchObject({ valid: true });
  });

  it("detects a re-hashed forgery that does not link", () => {
    const chain = buildChain(3);
    const forged = chainEvent({ tenantId: "ten_a", actor: "x", action: "ENROLL_FACE", outcome: "SUCCESS" }, "evt_x", new Date(), 1, "f".repeat(64));
    chain[1] = forged;
    expect(verifyChain(chain)).toMatchObject({ valid: false, brokenAtSeq: 2 });
  });
});
