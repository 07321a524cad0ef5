/**
 * The operator API (issue 14) on PostgreSQL and PGlite. The subject list: Relay-style
 * pages that do not shift when subjects are created meanwhile (many clients at once),
 * filters (external reference, legal hold, created range, consent state per purpose),
 * another tenant's subjects never listed, typed refusals of bad pages, cursors and scopes,
 * every list audited. The tenant-wide data subject request queue: soonest due first,
 * filtered by status, kind, due date and overdue. The audit search: newest first, by action,
 * outcome, actor, subject and time. The consents report: by purpose, state, subject, time. Templates: metadata only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { DB_KINDS } from "../support/databases.js";
import { FakeClock, advanceMs } from "../support/fake-clock.js";
import { bearer, errorOf, gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const P = "access_control";
const LIST = `query($first: Int, $after: String, $filter: SubjectFilter) {
  subjects(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id externalRef legalHoldSince createdAt } } } }`;

interface Listed {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; externalRef: string | null; legalHoldSince: string | null; createdAt: string } }[];
}

describe.each(DB_KINDS)("operator API: the subject list on %s", (kind) => {
  let t: TestApp;
  const clock = new FakeClock(Date.UTC(2026, 11, 3, 9));
  let tenant: Awaited<ReturnType<TestApp["createTenant"]>>;
  let other: Awaited<ReturnType<TestApp["createTenant"]>>;
  const as = (q: string, v: Record<string, unknown> = {}, key = tenant.apiKey) => gql(t.url, q, v, bearer(key));
  const list = async (v: Record<string, unknown>, key = tenant.apiKey): Promise<Listed> => {
    const r = await as(LIST, v, key);
    expect(r.errors).toBeUndefined();
    return r.data!["subjects"] as Listed;
  };
  const refs = (l: Listed) => l.edges.map((e) => e.node.externalRef);
  const original = Array.from({ length: 25 }, (_, i) => `r-${String(i).padStart(2, "0")}`);
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp(kind, {}, { clock });
    tenant = await t.createTenant(`ops-${kind}`);
    other = await t.createTenant(`ops-other-${kind}`);
    for (const ref of original) {
      advanceMs(clock, 60_000);
      const s = (await as(`mutation($r: String) { createSubject(externalRef: $r) { id } }`, { r: ref })).data!["createSubject"].id as string;
      ids.set(ref, s);
    }
    // Even-numbered subjects consent to the purpose; r-04 withdraws; r-03 is under legal hold.
    for (const [i, ref] of original.entries()) {
      if (i % 2 !== 0) continue;
      const g = await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s: ids.get(ref) });
      expect(g.errors).toBeUndefined();
    }
    expect((await as(`mutation($s: ID!) { withdrawConsent(subjectId: $s, purpose: "${P}") { destroyedTemplates } }`, { s: ids.get("r-04") })).errors).toBeUndefined();
    expect((await as(`mutation($s: ID!) { setLegalHold(subjectId: $s, reason: "case 2026-3, court order") { id } }`, { s: ids.get("r-03") })).errors).toBeUndefined();
    advanceMs(clock, 60_000);
  });
  afterAll(async () => t?.stop());

  it("pages oldest first with stable cursors while subjects are created by many clients at once", async () => {
    const first = await list({ first: 10 });
    expect(first.totalCount).toBe(25);
    expect(refs(first)).toEqual(original.slice(0, 10));
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges.at(-1)!.cursor });

    // 8 clients create a subject each between the first page and the next ones.
    const added = Array.from({ length: 8 }, (_, i) => `new-${i}`);
    const created = await Promise.all(added.map((r) => as(`mutation($r: String) { createSubject(externalRef: $r) { id } }`, { r })));
    for (const c of created) expect(c.errors).toBeUndefined();

    const seen = [...refs(first)];
    let page = first;
    while (page.pageInfo.hasNextPage) {
      page = await list({ first: 10, after: page.pageInfo.endCursor });
      seen.push(...refs(page));
    }
    expect(page.totalCount).toBe(33);
    // Every original subject once, in creation order, then the new ones (created later).
    expect(seen.slice(0, 25)).toEqual(original);
    expect(seen.slice(25).sort()).toEqual([...added].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect((await list({ first: 100 })).edges).toHaveLength(33);
  });

  it("filters by external reference, legal hold, creation time and consent state", async () => {
    expect(refs(await list({ filter: { externalRef: "r-07" } }))).toEqual(["r-07"]);
    expect(refs(await list({ filter: { externalRef: "nobody" } }))).toEqual([]);
    const held = await list({ filter: { legalHold: true } });
    expect(refs(held)).toEqual(["r-03"]);
    expect(held.edges[0]!.node.legalHoldSince).not.toBeNull();
    expect((await list({ first: 100, filter: { legalHold: false } })).totalCount).toBe(32);

    const withConsent = await list({ first: 100, filter: { consent: { purpose: P, active: true } } });
    const evens = original.filter((_, i) => i % 2 === 0 && i !== 4);
    expect(refs(withConsent)).toEqual(evens);
    const without = await list({ first: 100, filter: { consent: { purpose: P, active: false } } });
    expect(without.totalCount).toBe(33 - evens.length);
    expect(refs(without)).toContain("r-04");
    expect(refs(without)).not.toContain("r-00");

    // r-05 .. r-09 by creation time; conditions combine.
    const all = (await list({ first: 100 })).edges.map((e) => e.node);
    const from = all.find((n) => n.externalRef === "r-05")!.createdAt;
    const before = all.find((n) => n.externalRef === "r-10")!.createdAt;
    expect(refs(await list({ filter: { createdFrom: from, createdBefore: before } }))).toEqual(["r-05", "r-06", "r-07", "r-08", "r-09"]);
    expect(refs(await list({ filter: { createdFrom: from, createdBefore: before, consent: { purpose: P, active: true } } }))).toEqual(["r-06", "r-08"]);
  });

  it("never lists another tenant's subjects", async () => {
    const theirs = await list({ first: 100 }, other.apiKey);
    expect(theirs.totalCount).toBe(0);
    expect(theirs.edges).toEqual([]);
    expect(theirs.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect((await list({ filter: { externalRef: "r-07" } }, other.apiKey)).totalCount).toBe(0);
    // A cursor from this tenant's list gives the other tenant nothing of it either.
    const cursor = (await list({ first: 1 })).pageInfo.endCursor;
    expect((await list({ after: cursor }, other.apiKey)).edges).toEqual([]);
  });

  it("refuses bad page sizes, cursors and purposes, and keys without subjects:read; all audited", async () => {
    for (const v of [{ first: 0 }, { first: 101 }, { after: "not-a-cursor" }, { after: Buffer.from("[1,2]").toString("base64url") }, { filter: { consent: { purpose: "Not A Purpose", active: true } } }]) {
      expect(errorOf(await as(LIST, v)), JSON.stringify(v)).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
    }
    const narrow = (await as(`mutation { createApiKey(name: "kiosk", scopes: ["faces:verify"]) { apiKey } }`)).data!["createApiKey"].apiKey as string;
    expect(errorOf(await as(LIST, {}, narrow))).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });

    const events = await t.sql<{ outcome: string; reason: string | null }>(
      `SELECT "outcome", "reason" FROM "AuditEvent" WHERE "tenantId" = '${tenant.tenantId}' AND "action" = 'LIST_SUBJECTS' ORDER BY "seq"`,
    );
    expect(events[0]).toEqual({ outcome: "SUCCESS", reason: "10 of 25" });
    expect(events.filter((e) => e.outcome === "DENIED").length).toBeGreaterThanOrEqual(1);
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"].valid).toBe(true);
  });

  it("queues the tenant's data subject requests soonest due first, filtered by status, kind, due date and overdue", async () => {
    const QUEUE = `query($first: Int, $after: String, $filter: DataSubjectRequestFilter) {
      dataSubjectRequestQueue(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id subjectId kind status dueAt daysLeft } } } }`;
    type Queue = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; subjectId: string; kind: string; status: string; dueAt: string; daysLeft: number } }[] };
    const queue = async (v: Record<string, unknown>, key = tenant.apiKey): Promise<Queue> => {
      const r = await as(QUEUE, v, key);
      expect(r.errors).toBeUndefined();
      return r.data!["dataSubjectRequestQueue"] as Queue;
    };
    const kinds = ["ACCESS", "EXPORT", "ERASURE", "ACCESS", "EXPORT", "ERASURE"];
    const opened: { id: string; dueAt: string }[] = [];
    for (const [i, kind] of kinds.entries()) {
      advanceMs(clock, 86_400_000);
      const r = await as(`mutation($s: ID!, $k: DataSubjectRequestKind!) { openDataSubjectRequest(subjectId: $s, kind: $k) { id dueAt } }`, { s: ids.get(`r-1${i}`), k: kind });
      opened.push(r.data!["openDataSubjectRequest"]);
    }
    const verify = (id: string) => as(`mutation($r: ID!) { verifyRequesterIdentity(requestId: $r, method: "id card", evidenceRef: "desk-1") { status } }`, { r: id });
    expect((await verify(opened[0]!.id)).errors).toBeUndefined();
    expect((await as(`mutation($r: ID!) { rejectDataSubjectRequest(requestId: $r, reason: "not the data subject, per the desk") { status } }`, { r: opened[1]!.id })).errors).toBeUndefined();
    expect((await verify(opened[3]!.id)).errors).toBeUndefined();
    expect((await as(`mutation($r: ID!) { fulfilDataSubjectRequest(requestId: $r) { request { status } } }`, { r: opened[3]!.id })).errors).toBeUndefined();

    const all = await queue({ first: 4 });
    expect(all.totalCount).toBe(6);
    const rest = await queue({ first: 4, after: all.pageInfo.endCursor });
    expect([...all.edges, ...rest.edges].map((e) => e.node.id)).toEqual(opened.map((o) => o.id));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(all.edges.map((e) => e.node.status)).toEqual(["IN_PROGRESS", "REJECTED", "AWAITING_IDENTITY", "COMPLETED"]);

    const ids_ = (q: Queue) => q.edges.map((e) => e.node.id);
    expect(ids_(await queue({ filter: { statuses: ["AWAITING_IDENTITY"] } }))).toEqual([opened[2]!.id, opened[4]!.id, opened[5]!.id]);
    expect(ids_(await queue({ filter: { kind: "ERASURE" } }))).toEqual([opened[2]!.id, opened[5]!.id]);
    expect(ids_(await queue({ filter: { dueBefore: opened[2]!.dueAt } }))).toEqual([opened[0]!.id, opened[1]!.id]);

    // Past the fourth request's due date: the open ones due by then are overdue.
    clock.set(new Date(Date.parse(opened[3]!.dueAt) + 3_600_000));
    const overdue = await queue({ filter: { overdue: true } });
    expect(ids_(overdue)).toEqual([opened[0]!.id, opened[2]!.id]);
    expect(overdue.edges[0]!.node.daysLeft).toBeLessThan(0);
    expect((await queue({ filter: { overdue: false } })).totalCount).toBe(4);

    expect((await queue({}, other.apiKey)).totalCount).toBe(0);
    expect(errorOf(await as(QUEUE, { filter: { statuses: ["LOST"] } }))).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
    const narrow = (await as(`mutation { createApiKey(name: "kiosk-2", scopes: ["faces:verify"]) { apiKey } }`)).data!["createApiKey"].apiKey as string;
    expect(errorOf(await as(QUEUE, {}, narrow))).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
  });

  it("searches the audit trail newest first, by action, outcome, actor, subject and time", async () => {
    const SEARCH = `query($first: Int, $after: String, $filter: AuditFilter) {
      auditSearch(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { seq at actor action subjectId outcome } } } }`;
    type Found = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { seq: number; at: string; actor: string; action: string; subjectId: string | null; outcome: string } }[] };
    const search = async (v: Record<string, unknown>, key = tenant.apiKey): Promise<Found> => {
      const r = await as(SEARCH, v, key);
      expect(r.errors).toBeUndefined();
      return r.data!["auditSearch"] as Found;
    };
    const count = async (where: string) => Number((await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "tenantId" = '${tenant.tenantId}' ${where}`))[0]!.n);

    // Every event once, newest first, across pages.
    const seqs: number[] = [];
    let page = await search({ first: 100 });
    const total = page.totalCount;
    seqs.push(...page.edges.map((e) => e.node.seq));
    while (page.pageInfo.hasNextPage) {
      page = await search({ first: 100, after: page.pageInfo.endCursor });
      seqs.push(...page.edges.map((e) => e.node.seq));
    }
    // (the searches above are reads; they add no events)
    expect(total).toBe(await count(""));
    expect(seqs).toEqual(Array.from({ length: total }, (_, k) => total - k));

    const created = await search({ first: 100, filter: { action: "CREATE_SUBJECT" } });
    expect(created.totalCount).toBe(33);
    expect(new Set(created.edges.map((e) => e.node.action))).toEqual(new Set(["CREATE_SUBJECT"]));
    const denied = await search({ first: 100, filter: { outcome: "DENIED" } });
    expect(denied.totalCount).toBe(await count(`AND "outcome" = 'DENIED'`));
    expect(denied.totalCount).toBeGreaterThan(0);
    expect(denied.edges.every((e) => e.node.outcome === "DENIED")).toBe(true);
    const held = await search({ filter: { subjectId: ids.get("r-03") } });
    expect(held.edges.map((e) => e.node.action)).toContain("SET_LEGAL_HOLD");
    expect(held.edges.every((e) => e.node.subjectId === ids.get("r-03"))).toBe(true);
    const actor = denied.edges[0]!.node.actor;
    expect((await search({ first: 100, filter: { actor } })).totalCount).toBe(await count(`AND "actor" = '${actor}'`));
    const mid = created.edges[10]!.node.at;
    const last = created.edges[0]!.node.at;
    const window = await search({ first: 100, filter: { action: "CREATE_SUBJECT", from: mid, to: last } });
    expect(window.totalCount).toBe(await count(`AND "action" = 'CREATE_SUBJECT' AND "at" >= '${mid}' AND "at" < '${last}'`));
    expect(window.edges.every((e) => e.node.at >= mid && e.node.at < last)).toBe(true);

    // Another tenant's search sees none of these events.
    const theirs = await search({ first: 100 }, other.apiKey);
    expect(theirs.edges.some((e) => [...ids.values()].includes(e.node.subjectId ?? ""))).toBe(false);
    for (const v of [{ filter: { outcome: "MAYBE" } }, { after: "x" }, { first: 500 }]) expect(errorOf(await as(SEARCH, v)), JSON.stringify(v)).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
    const narrow = (await as(`mutation { createApiKey(name: "kiosk-3", scopes: ["faces:verify"]) { apiKey } }`)).data!["createApiKey"].apiKey as string;
    expect(errorOf(await as(SEARCH, {}, narrow))).toMatchObject({ code: "FORBIDDEN", reason: "SCOPE_REQUIRED" });
  });

  it("lists the tenant's consents (the consents report) by purpose, state, subject and time; audited", async () => {
    const CONSENTS = `query($first: Int, $after: String, $filter: ConsentFilter) {
      consents(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id subjectId purpose state grantedAt } } } }`;
    type Listed_ = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; subjectId: string; purpose: string; state: string; grantedAt: string } }[] };
    const consents = async (v: Record<string, unknown>, key = tenant.apiKey): Promise<Listed_> => {
      const r = await as(CONSENTS, v, key);
      expect(r.errors).toBeUndefined();
      return r.data!["consents"] as Listed_;
    };
    // One consent that expires: granted for an hour, then the clock moves past it.
    const exp = new Date(clock.now().getTime() + 3_600_000).toISOString();
    expect((await as(`mutation($s: ID!, $x: DateTimeISO) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK, expiresAt: $x }) { consent { id } } }`, { s: ids.get("r-01"), x: exp })).errors).toBeUndefined();
    advanceMs(clock, 2 * 3_600_000);

    const seen: string[] = [];
    let page = await consents({ first: 5 });
    seen.push(...page.edges.map((e) => e.node.id));
    while (page.pageInfo.hasNextPage) {
      page = await consents({ first: 5, after: page.pageInfo.endCursor });
      seen.push(...page.edges.map((e) => e.node.id));
    }
    expect(page.totalCount).toBe(14);
    expect(new Set(seen).size).toBe(14);
    expect(seen.sort()).toEqual((await t.sql<{ id: string }>(`SELECT "id" FROM "Consent" WHERE "tenantId" = '${tenant.tenantId}'`)).map((r) => r.id).sort());

    const state = async (s: string) => (await consents({ first: 100, filter: { state: s } })).edges.map((e) => [e.node.subjectId, e.node.state]);
    expect((await state("ACTIVE")).length).toBe(12);
    expect(await state("WITHDRAWN")).toEqual([[ids.get("r-04"), "WITHDRAWN"]]);
    expect(await state("EXPIRED")).toEqual([[ids.get("r-01"), "EXPIRED"]]);
    expect(await state("PENDING")).toEqual([]);
    expect((await consents({ filter: { subjectId: ids.get("r-00") } })).edges.map((e) => e.node.purpose)).toEqual([P]);
    expect((await consents({ filter: { purpose: "attendance" } })).totalCount).toBe(0);
    const latest = (await consents({ first: 100 })).edges.at(-1)!.node.grantedAt;
    expect((await consents({ filter: { grantedFrom: latest } })).edges.map((e) => e.node.subjectId)).toEqual([ids.get("r-01")]);

    expect((await consents({}, other.apiKey)).totalCount).toBe(0);
    expect(errorOf(await as(CONSENTS, { filter: { state: "MAYBE" } }))).toMatchObject({ code: "BAD_USER_INPUT", reason: "INVALID_INPUT" });
    const listed = await t.sql<{ n: bigint }>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "tenantId" = '${tenant.tenantId}' AND "action" = 'LIST_CONSENTS' AND "outcome" = 'SUCCESS'`);
    expect(Number(listed[0]!.n)).toBeGreaterThanOrEqual(9);
  });

  it("lists the tenant's templates, metadata only, by gallery, subject and purpose; audited", async () => {
    const g = (await as(`mutation { createGallery(name: "ops-staff") { id } }`)).data!["createGallery"].id as string;
    for (const [ref, photo] of [["r-00", "obama/obama-1.jpg"], ["r-02", "biden/biden-1.jpg"]] as const) {
      advanceMs(clock, 1000); // creation order decides list order (ties fall to the random ids)
      const img = { base64: Buffer.from(await readFace(photo)).toString("base64") };
      const e = await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s: ids.get(ref), g, img });
      expect(e.errors).toBeUndefined();
    }
    const TEMPLATES = `query($first: Int, $after: String, $filter: TemplateFilter) {
      templates(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id subjectId galleryId purpose modelId retainUntil } } } }`;
    const list_ = async (v: Record<string, unknown>, key = tenant.apiKey) => {
      const r = await as(TEMPLATES, v, key);
      expect(r.errors).toBeUndefined();
      return r.data!["templates"] as { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string; subjectId: string; galleryId: string } }[] };
    };
    const first = await list_({ first: 1 });
    expect(first.totalCount).toBe(2);
    const second = await list_({ first: 1, after: first.pageInfo.endCursor });
    expect([first, second].map((p) => p.edges[0]!.node.subjectId)).toEqual([ids.get("r-00"), ids.get("r-02")]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await list_({ filter: { subjectId: ids.get("r-02") } })).edges.map((e) => e.node.galleryId)).toEqual([g]);
    expect((await list_({ filter: { galleryId: g, purpose: P } })).totalCount).toBe(2);
    expect((await list_({ filter: { purpose: "attendance" } })).totalCount).toBe(0);
    expect((await list_({}, other.apiKey)).totalCount).toBe(0);
    // Metadata only: nothing that looks like a vector or a ciphertext in the answer.
    expect(JSON.stringify(await list_({ first: 100 }))).not.toMatch(/(-?0\.\d{4,},){4}|ciphertext/);
    const listed = await t.sql<{ reason: string }>(`SELECT "reason" FROM "AuditEvent" WHERE "tenantId" = '${tenant.tenantId}' AND "action" = 'LIST_TEMPLATES' ORDER BY "seq" LIMIT 1`);
    expect(listed[0]!.reason).toBe("1 of 2");
  });
});
