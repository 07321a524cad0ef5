/**
 * Every connection of the main database and of the key vault terminated by PostgreSQL
 * (pg_terminate_backend) in the middle of a write load: the process does not crash, each
 * call either succeeds or answers a typed retryable SERVICE_UNAVAILABLE (never an internal
 * error), service comes back by itself, and the audit chain is valid afterwards.
 */
import pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { serverUrl } from "../support/databases.js";
import { gql, type GqlResponse } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";
import { eventually } from "../support/redis-server.js";

describe("database connections terminated under load", () => {
  let t: TestApp;
  let as: (q: string, v?: Record<string, unknown>) => Promise<GqlResponse>;
  let admin: pg.Client;
  let headers: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp("postgres");
    const tenant = await t.createTenant("terminated");
    as = (q, v = {}) => gql(t.url, q, v, tenant.headers);
    headers = tenant.headers;
    admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.stop();
  });

  const terminateAll = async () => {
    const names = [new URL(t.db.url!).pathname.slice(1), new URL(t.db.vaultUrl!).pathname.slice(1)];
    const r = await admin.query(`SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`, [names]);
    return Number(r.rows[0].n);
  };

  it("answers typed retryable errors during the cut and recovers by itself", async () => {
    const outcomes: string[] = [];
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop && i < 400; i++) {
        const r = await as(`mutation($r: String) { createSubject(externalRef: $r) { id } }`, { r: `c${n}-${i}` }).catch((e: Error) => ({ errors: [{ message: e.message, extensions: { code: "NETWORK" } }] }) as GqlResponse);
        const e = r.errors?.[0]?.extensions;
        outcomes.push(e ? `${e.code}/${e.reason ?? ""}/${e["retryable"] ?? ""}` : "OK");
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => client(n)));
    await eventually(async () => outcomes.length >= 40);
    const terminated = [await terminateAll()];
    await new Promise((r) => setTimeout(r, 300));
    terminated.push(await terminateAll());
    const cutAt = outcomes.length;
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await load;

    const counts = outcomes.reduce<Record<string, number>>((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {});
    console.log(`terminated ${terminated.join(" + ")} backends; outcomes:`, JSON.stringify(counts));
    expect(terminated[0]).toBeGreaterThan(0);
    for (const o of Object.keys(counts)) expect(["OK", "SERVICE_UNAVAILABLE/DATABASE_UNAVAILABLE/true", "SERVICE_UNAVAILABLE/KEY_VAULT_UNAVAILABLE/true", "SERVICE_UNAVAILABLE/AUDIT_UNAVAILABLE/true", "SERVICE_UNAVAILABLE/TRANSACTION_CONFLICT/true"]).toContain(o);
    expect(outcomes.slice(cutAt).filter((o) => o === "OK").length).toBeGreaterThan(0);

    // Back by itself: the next calls succeed, the process is alive, the chain is whole.
    const since = performance.now();
    expect(await eventually(async () => (await as(`mutation { createSubject { id } }`)).errors === undefined, 50)).toBe(true);
    console.log(`first success ${Math.round(performance.now() - since)} ms after the load stopped`);
    expect((await fetch(t.url.replace("/graphql", "/health/ready"))).status).toBe(200);
    expect((await as(`{ verifyAuditChain { valid problem } }`)).data!["verifyAuditChain"]).toEqual({ valid: true, problem: null });
    // No subject without a key, and no key without a subject (nothing half-written).
    const subjects = (await t.sql<{ id: string }>(`SELECT "id" FROM "Subject"`)).map((r) => r.id).sort();
    const vault = new pg.Client({ connectionString: t.db.vaultUrl });
    await vault.connect();
    const keys = (await vault.query(`SELECT subject_id FROM subject_key`)).rows.map((r) => r.subject_id as string).sort();
    await vault.end();
    expect(keys).toEqual(subjects);
  });

  it("keeps a stream session serving through a cut: typed retryable answers, then identifications again", async () => {
    const g = (await as(`mutation { createGallery(name: "lobby") { id } }`)).data!["createGallery"].id as string;
    for (const who of ["obama", "biden"]) {
      const s = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
      await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "access_control", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s });
      const e = await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "access_control", image: $img }) { templateId } }`, { s, g, img: { base64: (await readFace(`${who}/${who}-1.jpg`)).toString("base64") } });
      expect(e.errors).toBeUndefined();
    }
    const open = (await as(`mutation($g: ID!) { openStream(input: { galleryId: $g, purpose: "access_control", eventTtlSeconds: 1 }) { id framesPath } }`, { g })).data!["openStream"];
    // Each frame 3 s of stream time after the last: every face starts a new track, so every frame identifies (writes).
    const frames = await Promise.all(
      ["obama/obama-2.jpg", "biden/biden-2.jpg"].map(async (photo) =>
        sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 200, b: 200 } } })
          .composite([{ input: await sharp(await readFace(photo)).resize({ width: 200, height: 230, fit: "inside" }).toBuffer(), left: 220, top: 120 }])
          .jpeg()
          .toBuffer(),
      ),
    );
    const outcomes: string[] = [];
    let at = 0;
    const post = async () => {
      at += 3000;
      const r = await fetch(t.url.replace("/graphql", open.framesPath), { method: "POST", headers: { ...headers, "content-type": "image/jpeg", "x-frame-timestamp": String(at) }, body: frames[(at / 3000) % 2]! });
      const body = (await r.json()) as { events?: unknown[]; error?: { reason: string; retryable?: boolean } };
      outcomes.push(r.status === 200 ? `OK/${body.events!.length}` : `${r.status}/${body.error!.reason}/${body.error!.retryable ?? ""}`);
    };
    for (let i = 0; i < 3; i++) await post();
    expect(await terminateAll()).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await post();
    await terminateAll();
    for (let i = 0; i < 6; i++) await post();
    console.log("stream frames through the cut:", outcomes.join(" "));
    for (const o of outcomes) expect(["OK/1", "503/DATABASE_UNAVAILABLE/true", "503/KEY_VAULT_UNAVAILABLE/true", "503/AUDIT_UNAVAILABLE/true", "503/TRANSACTION_CONFLICT/true"]).toContain(o);
    // Back by itself: the last frames each gave their event.
    expect(outcomes.slice(-3)).toEqual(["OK/1", "OK/1", "OK/1"]);
    expect((await as(`{ verifyAuditChain { valid } }`)).data!["verifyAuditChain"].valid).toBe(true);
  });
});
