/**
 * One corrupted ciphertext: the server still starts, names the template in its log,
 * counts it in galleryIndex, keeps it out of matching, and answers verifyFace on its
 * subject with TEMPLATE_UNREADABLE; every other subject is served as before.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app/app.js";
import type { Logger } from "../../src/observability/logger.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { sharedEngine, testConfig } from "../support/engine.js";
import { gql } from "../support/graphql-client.js";
import { readFace } from "../support/images.js";

const P = "access_control";
const b64 = (buf: Uint8Array) => ({ base64: Buffer.from(buf).toString("base64") });
const VERIFY = `mutation($s: ID!, $img: ImageInput!) { verifyFace(input: { subjectId: $s, purpose: "${P}", image: $img }) { match } }`;

describe("a corrupted template", () => {
  let t: TestApp;
  let second: App | undefined;
  const logged: { msg: string; fields: Record<string, unknown> | undefined }[] = [];
  const log: Logger = { debug() {}, info() {}, warn() {}, error: (msg, fields) => void logged.push({ msg, fields }) };

  beforeAll(async () => {
    t = await startTestApp("postgres");
  });
  afterAll(async () => {
    await second?.close();
    await t?.stop();
  });

  it("does not stop the server from starting, and is reported", async () => {
    const { headers } = await t.createTenant("corrupt");
    const as = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, headers);
    const g = (await as(`mutation { createGallery(name: "g") { id } }`)).data!["createGallery"].id;
    const ids: string[] = [];
    for (const photo of ["obama/obama-1.jpg", "biden/biden-1.jpg"]) {
      const s = (await as(`mutation { createSubject { id } }`)).data!["createSubject"].id as string;
      await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "${P}", noticeVersion: "n1", method: CLICK }) { consent { id } } }`, { s });
      expect((await as(`mutation($s: ID!, $g: ID!, $img: ImageInput!) { enrollFace(input: { subjectId: $s, galleryId: $g, purpose: "${P}", image: $img }) { templateId } }`, { s, g, img: b64(await readFace(photo)) })).errors).toBeUndefined();
      ids.push(s);
    }
    const [obama, biden] = ids as [string, string];
    const [row] = await t.sql<{ id: string }>(`SELECT "id" FROM "Template" WHERE "subjectId" = '${obama}'`);
    // Flip one byte in the middle of the sealed embedding.
    await t.sql(`UPDATE "Template" SET "ciphertext" = set_byte("ciphertext", 40, (get_byte("ciphertext", 40) + 1) % 256) WHERE "id" = '${row!.id}'`);

    second = await startApp(testConfig({ PORT: "0", ...t.db.env, ADMIN_TOKEN: t.app.adminToken }), { engine: await sharedEngine(), log });
    const as2 = (q: string, v: Record<string, unknown> = {}) => gql(second!.url, q, v, headers);
    expect(logged.some((l) => /quarantined/.test(l.msg) && l.fields?.["templateId"] === row!.id)).toBe(true);
    const index = await as2(`query($g: ID!) { galleryIndex(galleryId: $g) { purpose templates quarantined } }`, { g });
    expect(index.data!["galleryIndex"]).toEqual([{ purpose: P, templates: 1, quarantined: 1 }]);

    const bad = await as2(VERIFY, { s: obama, img: b64(await readFace("obama/obama-2.jpg")) });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", reason: "TEMPLATE_UNREADABLE", templateId: row!.id });
    const good = await as2(VERIFY, { s: biden, img: b64(await readFace("biden/biden-2.jpg")) });
    expect(good.data!["verifyFace"].match).toBe(true);
    const found = await as2(`mutation($g: ID!, $img: ImageInput!) { identifyFace(input: { galleryId: $g, purpose: "${P}", image: $img }) { candidates { subjectId } } }`, { g, img: b64(await readFace("biden/biden-2.jpg")) });
    expect(found.data!["identifyFace"].candidates.map((c: { subjectId: string }) => c.subjectId)).toEqual([biden]);
  });
});
