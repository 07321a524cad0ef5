import { describe, expect, it } from "vitest";
import { consentNoticeHash, noticeHash, noticeProblems, type PrivacyNotice } from "./privacy-notice.js";

const at = (d: string) => new Date(`${d}T00:00:00Z`);
const notice = (language: string, text: string, from = "2026-11-01"): PrivacyNotice => ({ id: `n-${language}`, tenantId: "t", version: "2026-11", language, text, textHash: noticeHash(text), effectiveFrom: at(from), createdAt: at("2026-10-01") });

describe("privacy notices", () => {
  it("checks what is published", () => {
    expect(noticeProblems({ version: "2026-11", language: "de-CH", text: "Wir verarbeiten…" })).toEqual([]);
    expect(noticeProblems({ version: "", language: "english", text: "" })).toHaveLength(3);
  });

  it("records the hash of the text shown, and refuses what was not published or is not in effect", () => {
    const en = notice("en", "We process your face template…");
    const de = notice("de", "Wir verarbeiten Ihr Gesichtstemplate…");
    expect(consentNoticeHash([], "v0", null, at("2026-12-01"))).toBeNull();
    expect(consentNoticeHash([], "v0", "ab".repeat(32), at("2026-12-01"))).toBe("ab".repeat(32));
    expect(consentNoticeHash([en], "2026-11", null, at("2026-12-01"))).toBe(en.textHash);
    expect(consentNoticeHash([en, de], "2026-11", de.textHash, at("2026-12-01"))).toBe(de.textHash);
    expect(() => consentNoticeHash([en, de], "2026-11", null, at("2026-12-01"))).toThrow(/give the noticeHash/);
    expect(() => consentNoticeHash([en], "2026-11", "ab".repeat(32), at("2026-12-01"))).toThrow(/not the hash/);
    expect(() => consentNoticeHash([notice("en", "x", "2027-01-01")], "2026-11", null, at("2026-12-01"))).toThrow(/not in effect/);
  });
});
