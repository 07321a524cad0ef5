/**
 * Privacy notices as versioned records: a version in one or more languages, each with its
 * text, the text's SHA-256 and the date from which it is in effect. A consent names the
 * notice version shown; where the tenant has published that version, the consent records
 * the hash of the text actually shown (given, or the only language's), and a notice not
 * yet in effect, or a hash of no published text, is refused. Pure rules.
 */
import { createHash } from "node:crypto";
import { DomainError } from "./errors.js";

export interface PrivacyNotice {
  id: string;
  tenantId: string;
  version: string;
  language: string;
  text: string;
  textHash: string;
  effectiveFrom: Date;
  createdAt: Date;
}

export const MAX_NOTICE_CHARS = 100_000;

export function noticeHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Problems with a notice to publish (empty when none). */
export function noticeProblems(n: { version: string; language: string; text: string }): string[] {
  const problems: string[] = [];
  if (n.version.trim().length < 1 || n.version.length > 100) problems.push("version must be 1 to 100 characters");
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(n.language)) problems.push("language must be a BCP 47 tag such as en, de-CH or zh-Hans");
  if (n.text.trim().length < 1 || n.text.length > MAX_NOTICE_CHARS) problems.push(`text must be 1 to ${MAX_NOTICE_CHARS} characters`);
  return problems;
}

/**
 * The notice hash a consent records for `version`: `given` when it is the hash of one of
 * the version's published texts, the only text's hash when none is given; unchanged
 * (the caller's own) when the version was never published here.
 */
export function consentNoticeHash(published: readonly PrivacyNotice[], version: string, given: string | null, now: Date): string | null {
  if (published.length === 0) return given;
  const inEffect = published.filter((n) => n.effectiveFrom.getTime() <= now.getTime());
  if (inEffect.length === 0) throw new DomainError("INVALID_INPUT", `privacy notice ${version} is not in effect yet`);
  if (given !== null) {
    if (!inEffect.some((n) => n.textHash === given)) throw new DomainError("INVALID_INPUT", `noticeHash is not the hash of any published text of privacy notice ${version}`);
    return given;
  }
  if (inEffect.length > 1) throw new DomainError("INVALID_INPUT", `privacy notice ${version} is published in ${inEffect.map((n) => n.language).join(", ")}: give the noticeHash of the text shown`);
  return inEffect[0]!.textHash;
}
