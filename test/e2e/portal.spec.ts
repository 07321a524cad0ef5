/**
 * The admin consent portal in a real browser (Debian's Chromium through playwright-core),
 * against the real server on PGlite and on PostgreSQL: a privacy officer signs in, finds a
 * subject by external reference, sees its consent evidence, takes an export request from
 * opened through identity verification to fulfilled and downloads the signed document,
 * places a legal hold and sees erasure refused, searches the audit trail and downloads its
 * export; an auditor is refused the subjects page with a clear message. No page breaks the
 * Content-Security-Policy. Screenshots of each page go to test-output/portal/.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { launchBrowser, screenshotDir } from "../support/browser.js";
import { DB_KINDS } from "../support/databases.js";
import { gql } from "../support/graphql-client.js";

const PASSWORD = "a long portal password";

describe.each(DB_KINDS)("the admin consent portal on %s", (kind) => {
  let t: TestApp;
  let browser: Browser;
  let shots: string;
  let subjectId: string;
  const tenantName = `acme-${kind}`;
  const cspViolations: string[] = [];
  const base = () => t.url.replace("/graphql", "/portal");

  beforeAll(async () => {
    t = await startTestApp(kind);
    const tenant = await t.createTenant(tenantName);
    const as = (q: string, v: Record<string, unknown> = {}) => gql(t.url, q, v, tenant.headers);
    const names = { PRIVACY_OFFICER: "Pia Privacy", AUDITOR: "Aude Auditor", ADMINISTRATOR: "Ada Admin" };
    for (const [email, role] of [["pia@acme.test", "PRIVACY_OFFICER"], ["aud@acme.test", "AUDITOR"], ["ada@acme.test", "ADMINISTRATOR"]] as const) {
      const r = await gql(t.url, `mutation($i: CreatePortalUserInput!) { createPortalUser(input: $i) { id } }`, { i: { tenantId: tenant.tenantId, email, displayName: names[role], role, password: PASSWORD } }, { "x-admin-token": t.app.adminToken });
      expect(r.errors).toBeUndefined();
    }
    subjectId = (await as(`mutation { createSubject(externalRef: "employee-42") { id } }`)).data!["createSubject"].id;
    await as(`mutation { createSubject(externalRef: "contractor-7") { id } }`);
    const g = await as(`mutation($s: ID!) { grantConsent(input: { subjectId: $s, purpose: "access_control", noticeVersion: "2026-11", method: E_SIGNATURE, evidenceRef: "esign-5521" }) { consent { id } } }`, { s: subjectId });
    expect(g.errors).toBeUndefined();
    browser = await launchBrowser();
    shots = await screenshotDir("portal");
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on("dialog", (d) => void d.accept("case 2026-117"));
    await page.goto(base());
    await page.getByLabel("Organisation (tenant)").fill(tenantName);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    return { context, page };
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${kind}-${name}.png`), fullPage: true });

  it("takes a privacy officer from sign-in through a subject's consents, an export request and a refused erasure", async () => {
    const { context, page } = await signedIn("pia@acme.test");
    await page.locator(".figure", { hasText: "Audit chain" }).getByText(/intact/).waitFor();
    await page.locator(".figure", { hasText: "Deletions due by retention" }).getByText("0 in 7 days · 0 in 30 days").waitFor();
    const byPurpose = page.locator(".figure", { hasText: "Consents by purpose" }).getByRole("row", { name: /^access_control/ });
    await byPurpose.waitFor();
    expect(await byPurpose.getByRole("cell").allTextContents()).toEqual(["1", "0", "0"]);
    await shot(page, "dashboard");

    // Find the subject by external reference; its consent evidence is shown.
    await page.getByRole("link", { name: "Subjects" }).click();
    await page.getByLabel("External reference").fill("employee-42");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("table").getByText("1 subject").waitFor();
    expect(await page.getByRole("table").getByText("contractor-7").count()).toBe(0);
    await shot(page, "subjects");
    await page.getByRole("link", { name: "employee-42" }).click();
    const consents = page.getByRole("table", { name: "Consents" });
    await consents.getByText("esign-5521").waitFor();
    expect(await consents.getByText("2026-11").count()).toBe(1);
    expect(await consents.getByText("E_SIGNATURE").count()).toBe(1);
    expect(await consents.getByText("ACTIVE").count()).toBe(1);
    await shot(page, "subject");

    // An export request: opened, identity verified, fulfilled; the signed document downloads.
    await page.getByLabel("Open a request").selectOption("EXPORT");
    await page.getByRole("button", { name: "Open request" }).click();
    await page.getByRole("status").getByText("Request opened").waitFor();
    await page.getByRole("link", { name: "Open in the queue" }).click();
    await page.getByTestId("request-status").getByText("AWAITING_IDENTITY").waitFor();
    await page.getByLabel("How the requester was identified").fill("passport at the desk");
    await page.getByLabel("Evidence reference").fill("ticket-77");
    await page.getByRole("button", { name: "Record identity verification" }).click();
    await page.getByTestId("request-status").getByText("IN_PROGRESS").waitFor();
    await shot(page, "request");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Fulfil export" }).click()]);
    const exported = JSON.parse(await readFile((await download.path())!, "utf8")) as Record<string, unknown>;
    expect(JSON.stringify(exported)).toContain(subjectId);
    expect(JSON.stringify(exported)).toContain("esign-5521");
    expect(exported).toHaveProperty("signature");
    await page.getByTestId("request-status").getByText("COMPLETED").waitFor();

    // A legal hold: erasure is refused, and the refusal is shown.
    await page.goto(`${base()}/subjects/${subjectId}`);
    await page.getByRole("button", { name: "Place legal hold" }).click();
    await page.getByText(/since .*: case 2026-117/).waitFor();
    await page.getByLabel("Open a request").selectOption("ERASURE");
    await page.getByRole("button", { name: "Open request" }).click();
    await page.getByRole("status").getByText("Request opened").waitFor();
    await page.getByRole("row", { name: /ERASURE/ }).getByRole("link", { name: "Open in the queue" }).click();
    await page.getByLabel("How the requester was identified").fill("passport at the desk");
    await page.getByLabel("Evidence reference").fill("ticket-78");
    await page.getByRole("button", { name: "Record identity verification" }).click();
    await page.getByRole("button", { name: "Fulfil erasure" }).click();
    await page.getByRole("alert").getByText(/LEGAL_HOLD/).waitFor();
    await shot(page, "erasure-refused");
    // Nothing was erased.
    expect(await t.sql(`SELECT "id" FROM "Subject" WHERE "id" = '${subjectId}'`)).toHaveLength(1);

    // The audit trail: searched, verified, exported.
    await page.getByRole("link", { name: "Audit" }).click();
    await page.getByRole("status").getByText(/Chain verified/).waitFor();
    await page.getByLabel("Action").fill("SET_LEGAL_HOLD");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("table").getByText("1 event(s)").waitFor();
    await shot(page, "audit");
    await page.getByRole("button", { name: "Timeline" }).click();
    await page.getByRole("list", { name: /Timeline/ }).getByText("SET_LEGAL_HOLD").waitFor();
    const [auditFile] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the signed export" }).click()]);
    const trail = await readFile((await auditFile.path())!, "utf8");
    expect(trail).toContain("PORTAL_SIGN_IN");
    expect(trail).toContain("SET_LEGAL_HOLD");

    // The consents report and the policies pages render.
    await page.getByRole("link", { name: "Consents" }).click();
    await page.getByRole("table").getByText("esign-5521").waitFor();
    await shot(page, "consents");
    await page.getByRole("link", { name: "Policies" }).click();
    await page.locator("article.ropa").waitFor();
    await shot(page, "policies");
    // A privacy notice published from the portal.
    await page.getByRole("link", { name: "Privacy notices" }).click();
    await page.getByLabel("Version").fill("2026-12");
    await page.getByLabel("Language").fill("en");
    await page.getByLabel("In effect from").fill("2026-12-01");
    await page.getByLabel("Text", { exact: true }).fill("We keep a face template to open the doors.");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("cell", { name: "2026-12", exact: true }).waitFor();
    await shot(page, "notices");
    await page.getByRole("link", { name: "Decisions" }).click();
    await page.getByRole("table").getByText("0 decision(s), newest first").waitFor();
    await shot(page, "decisions");
    await context.close();

    // Every action above is audited with the person as actor.
    const actors = await t.sql<{ action: string }>(`SELECT DISTINCT "action" FROM "AuditEvent" WHERE "actor" LIKE 'user:%'`);
    expect(actors.map((a) => a.action)).toEqual(expect.arrayContaining(["PORTAL_SIGN_IN", "LIST_SUBJECTS", "OPEN_DSR", "FULFIL_DSR", "SET_LEGAL_HOLD", "EXPORT_AUDIT"]));
  });

  it("refuses an auditor the subjects page with a clear message, and shows it no link to it", async () => {
    const { context, page } = await signedIn("aud@acme.test");
    expect(await page.getByRole("navigation").getByRole("link", { name: "Subjects" }).count()).toBe(0);
    await page.getByRole("navigation").getByRole("link", { name: "Audit" }).waitFor();
    await page.goto(`${base()}/subjects`);
    const refusal = page.getByRole("alert");
    await refusal.getByText("Not permitted for your role.").waitFor();
    expect(await refusal.textContent()).toMatch(/AUDITOR lacks the scope subjects:read/);
    await shot(page, "auditor-refused");
    // The dashboard still shows what an auditor may see.
    await page.goto(base());
    await page.locator(".figure", { hasText: "Audit chain" }).getByText(/intact/).waitFor();
    await page.locator(".figure", { hasText: "Legal holds" }).getByText("not available to your role").waitFor();
    await context.close();
    expect(cspViolations).toEqual([]);
  });

  it("lets an administrator add a user and make an API key (its secret shown once)", async () => {
    const { context, page } = await signedIn("ada@acme.test");
    await page.getByRole("link", { name: "Users & keys" }).click();
    await page.getByRole("table", { name: "Portal users" }).getByText("pia@acme.test").waitFor();
    const form = page.getByRole("form", { name: "New portal user" });
    await form.getByLabel("E-mail").fill("new@acme.test");
    await form.getByLabel("Name").fill("New Person");
    await form.getByLabel("Role").selectOption("AUDITOR");
    await form.getByLabel(/First password/).fill("another long password");
    await form.getByRole("button", { name: "Add user" }).click();
    await page.getByRole("table", { name: "Portal users" }).getByText("new@acme.test").waitFor();
    const keyForm = page.getByRole("form", { name: "New API key" });
    await keyForm.getByLabel("Name").fill("kiosk-3");
    await keyForm.getByLabel("Scopes").fill("subjects:read");
    await keyForm.getByRole("button", { name: "Create key" }).click();
    const secret = (await page.getByRole("status").filter({ hasText: "shown once" }).locator("code").textContent())!;
    expect(secret).toMatch(/^key_[0-9a-f]+\./);
    await shot(page, "admin");
    await context.close();
    // The key works, with the scope it was given and no more.
    expect((await gql(t.url, `{ subjects(first: 1) { totalCount } }`, {}, { authorization: `Bearer ${secret}` })).data!["subjects"].totalCount).toBe(2);
    expect((await gql(t.url, `{ auditSearch(first: 1) { totalCount } }`, {}, { authorization: `Bearer ${secret}` })).errors?.[0]?.extensions?.reason).toBe("SCOPE_REQUIRED");
  });

  it("is usable by keyboard alone: signs in, moves through the navigation and searches", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(base());
    await page.getByLabel("Organisation (tenant)").waitFor();
    // The first field has the focus; Tab moves on, Enter submits.
    await page.keyboard.type(tenantName);
    await page.keyboard.press("Tab");
    await page.keyboard.type("pia@acme.test");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    // (Expressions evaluated in the page, where the DOM is.)
    const focusedText = () => page.evaluate<string>(`document.activeElement?.textContent?.trim() ?? ""`);
    // The first Tab reaches the skip link.
    await page.keyboard.press("Tab");
    expect(await focusedText()).toBe("Skip to content");
    let steps = 0;
    while ((await focusedText()) !== "Subjects" && steps++ < 20) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Subjects" }).waitFor();
    while ((await page.evaluate<string>(`document.activeElement?.name ?? ""`)) !== "externalRef" && steps++ < 40) await page.keyboard.press("Tab");
    await page.keyboard.type("contractor-7");
    await page.keyboard.press("Enter");
    await page.getByRole("table").getByText("1 subject").waitFor();
    await page.getByRole("link", { name: "contractor-7" }).waitFor();
    await context.close();
  });
});
