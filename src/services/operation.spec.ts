import { describe, expect, it } from "vitest";
import type { AuditEvent, AuditEventInput } from "../domain/audit.js";
import { verifyChain } from "../domain/audit.js";
import { DomainError } from "../domain/errors.js";
import type { Repositories, Store } from "../domain/repositories.port.js";
import type { Logger } from "../observability/logger.js";
import { AuditService } from "./audit.service.js";
import { OperationRunner } from "./operation.js";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A store whose transactions keep the audit rows they wrote only on commit, and that can
 * be told to fail its next transactions (a conflict, or the database gone).
 */
function memoryStore() {
  const events: AuditEvent[] = [];
  const head = { seq: 0, hash: "0".repeat(64) };
  const failures: unknown[] = [];
  let transactions = 0;
  const repos = (pending: AuditEvent[], h: { seq: number; hash: string }) =>
    ({
      tenants: {
        lockAuditHead: async () => ({ ...h }),
        readAuditHead: async () => ({ ...head }),
      },
      audit: {
        appendToChain: async (_t: string, es: readonly AuditEvent[]) => {
          pending.push(...es);
          Object.assign(h, { seq: es.at(-1)!.seq, hash: es.at(-1)!.hash });
        },
        list: async () => [...events],
      },
    }) as unknown as Repositories;
  const store = {
    ...repos(events, head),
    async transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
      transactions++;
      const pending: AuditEvent[] = [];
      const h = { ...head };
      const result = await work(repos(pending, h));
      const fail = failures.shift();
      if (fail) throw fail;
      events.push(...pending);
      Object.assign(head, h);
      return result;
    },
  } as unknown as Store;
  return { store, events, head, failNext: (...e: unknown[]) => failures.push(...e), transactions: () => transactions };
}

function runner(m: ReturnType<typeof memoryStore>, sleeps: number[] = []) {
  let n = 0;
  const audit = new AuditService(m.store, { now: () => new Date(Date.UTC(2026, 0, 1)) }, { next: (p: string) => `${p}_${++n}` });
  return new OperationRunner({
    store: m.store,
    audit,
    clock: { now: () => new Date(Date.UTC(2026, 0, 1)) },
    ids: { next: (p: string) => `${p}_${++n}` },
    log: silent,
    retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 40 },
    sleep: async (ms) => void sleeps.push(ms),
  });
}

const ctx = { tenantId: "ten_1", actor: "key:k1", action: "VERIFY_FACE", subjectId: "sub_1" };
const success: AuditEventInput = { ...ctx, outcome: "SUCCESS" };
const conflict = () => new DomainError("TRANSACTION_CONFLICT", "conflict");

describe("OperationRunner", () => {
  it("chains the events a transaction recorded, in order, when it commits", async () => {
    const m = memoryStore();
    const out = await runner(m).transaction(async (_tx, audit) => {
      audit.record(success);
      audit.record({ ...success, action: "DESTROY_TEMPLATE" });
      return 42;
    });
    expect(out).toBe(42);
    expect(m.events.map((e) => [e.seq, e.action])).toEqual([[1, "VERIFY_FACE"], [2, "DESTROY_TEMPLATE"]]);
    expect(verifyChain(m.events, m.head).valid).toBe(true);
  });

  it("re-runs the whole work on a conflict, with growing waits, and keeps one copy of its events", async () => {
    const m = memoryStore();
    const sleeps: number[] = [];
    m.failNext(conflict(), conflict());
    let runs = 0;
    await runner(m, sleeps).transaction(async (_tx, audit) => {
      runs++;
      audit.record(success);
    });
    expect(runs).toBe(3);
    expect(m.events).toHaveLength(1);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(5);
    expect(sleeps[0]).toBeLessThanOrEqual(10);
    expect(sleeps[1]).toBeGreaterThanOrEqual(10);
    expect(sleeps[1]).toBeLessThanOrEqual(20);
  });

  it("gives up after the configured attempts with the retryable conflict", async () => {
    const m = memoryStore();
    m.failNext(conflict(), conflict(), conflict(), conflict());
    await expect(runner(m).transaction(async () => 1)).rejects.toMatchObject({ reason: "TRANSACTION_CONFLICT", kind: "UNAVAILABLE" });
    expect(m.transactions()).toBe(4);
  });

  it("does not retry other failures", async () => {
    const m = memoryStore();
    m.failNext(new DomainError("DATABASE_UNAVAILABLE", "down"));
    await expect(runner(m).transaction(async () => 1)).rejects.toMatchObject({ reason: "DATABASE_UNAVAILABLE" });
    expect(m.transactions()).toBe(1);
  });

  it("records a refusal as DENIED and a failure as FAILED, then rethrows it", async () => {
    const m = memoryStore();
    const r = runner(m);
    await expect(r.run(ctx, async () => Promise.reject(new DomainError("CONSENT_REQUIRED", "no")))).rejects.toMatchObject({ reason: "CONSENT_REQUIRED" });
    await expect(r.run(ctx, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(m.events.map((e) => [e.outcome, e.reason, e.subjectId])).toEqual([
      ["DENIED", "CONSENT_REQUIRED", "sub_1"],
      ["FAILED", "INTERNAL", "sub_1"],
    ]);
  });

  it("retries recording a refusal, and answers AUDIT_UNAVAILABLE rather than an unrecorded refusal", async () => {
    const m = memoryStore();
    const down = new DomainError("DATABASE_UNAVAILABLE", "down");
    m.failNext(down, down);
    const r = runner(m);
    await expect(r.run(ctx, async () => Promise.reject(new DomainError("CONSENT_REQUIRED", "no")))).rejects.toMatchObject({ reason: "CONSENT_REQUIRED" });
    expect(m.events).toHaveLength(1);

    m.failNext(down, down, down, down);
    await expect(r.run(ctx, async () => Promise.reject(new DomainError("CONSENT_REQUIRED", "no")))).rejects.toMatchObject({ reason: "AUDIT_UNAVAILABLE", kind: "UNAVAILABLE" });
    expect(m.events).toHaveLength(1);
  });

  it("passes on a dependency error whose failure could not be recorded (it already says retry)", async () => {
    const m = memoryStore();
    const down = new DomainError("DATABASE_UNAVAILABLE", "down");
    m.failNext(down, down, down, down);
    await expect(runner(m).run(ctx, async () => Promise.reject(down))).rejects.toBe(down);
  });

  it("use: checks the scope inside the run, so a missing scope is audited DENIED; hands the work its caller and context", async () => {
    const m = memoryStore();
    const r = runner(m);
    const key = { kind: "apiKey" as const, tenantId: "ten_1", apiKeyId: "key_1", scopes: ["faces:verify" as const] };
    await expect(r.use(key, { action: "CREATE_SUBJECT", scope: "subjects:write", subjectId: "sub_9" }, async () => 1)).rejects.toMatchObject({ reason: "SCOPE_REQUIRED" });
    expect(m.events.map((e) => [e.action, e.outcome, e.reason, e.actor, e.subjectId])).toEqual([["CREATE_SUBJECT", "DENIED", "SCOPE_REQUIRED", "apikey:key_1", "sub_9"]]);
    const seen = await r.use(key, { action: "VERIFY_FACE", scope: "faces:verify", purpose: "p" }, async ({ caller, ctx }) => ({ caller, ctx }));
    expect(seen).toEqual({ caller: { tenantId: "ten_1", label: "apikey:key_1" }, ctx: { tenantId: "ten_1", actor: "apikey:key_1", action: "VERIFY_FACE", purpose: "p" } });
    // The platform admin acts on no tenant's data: refused, with no tenant to audit it in.
    await expect(r.use({ kind: "admin" }, { action: "VERIFY_FACE", scope: "faces:verify" }, async () => 1)).rejects.toMatchObject({ reason: "SCOPE_REQUIRED" });
    expect(m.events).toHaveLength(1);
  });

  it("listPage: audits a failed check (bad input is FAILED, as everywhere), and a read page as one SUCCESS saying how many of how many", async () => {
    const m = memoryStore();
    const r = runner(m);
    const key = { kind: "apiKey" as const, tenantId: "ten_1", apiKeyId: "key_1", scopes: ["subjects:read" as const] };
    const spec = { action: "LIST_SUBJECTS", scope: "subjects:read" as const };
    const bad = () => {
      throw new DomainError("INVALID_INPUT", "bad filter");
    };
    let reads = 0;
    const read = async () => (reads++, { items: ["a", "b"], hasNextPage: true, totalCount: 7 });
    await expect(r.listPage(key, spec, bad, read)).rejects.toMatchObject({ reason: "INVALID_INPUT" });
    expect(reads).toBe(0);
    expect(await r.listPage(key, spec, () => undefined, read)).toEqual({ items: ["a", "b"], hasNextPage: true, totalCount: 7 });
    expect(m.events.map((e) => [e.action, e.outcome, e.reason])).toEqual([["LIST_SUBJECTS", "FAILED", "INVALID_INPUT"], ["LIST_SUBJECTS", "SUCCESS", "2 of 7"]]);
  });
});
