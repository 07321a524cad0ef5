/**
 * `face-id verify-export FILE [--key BASE64]` and `face-id verify-audit FILE [--key BASE64]`:
 * check a signed data subject export or an audit trail export offline. With --key (the
 * platform's `signingKey.publicKey`), the file must be signed by that key; without it, the
 * key inside the file is used and printed so it can be compared. Exit code 0 = valid.
 */
import { readFile } from "node:fs/promises";
import { publicKeyId, verifyEd25519 } from "../adapters/crypto/document-signer.js";
import { verifyAuditExport } from "../domain/audit-export.js";
import { verifySignedDocument } from "../domain/signed-document.js";
import { SUBJECT_EXPORT_FORMAT } from "../services/data-subject-request.service.js";

export async function verifyMain(kind: "export" | "audit", args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith("--"));
  const keyAt = args.indexOf("--key");
  const key = keyAt >= 0 ? args[keyAt + 1] : undefined;
  if (!file || (keyAt >= 0 && !key)) {
    process.stderr.write(`usage: face-id verify-${kind} FILE [--key BASE64_PUBLIC_KEY]\n`);
    return 2;
  }
  const text = await readFile(file, "utf8");
  if (kind === "export") {
    const r = verifySignedDocument(text, SUBJECT_EXPORT_FORMAT, verifyEd25519, publicKeyId, key);
    if (!r.valid) {
      process.stdout.write(`INVALID: ${r.problem}\n`);
      return 1;
    }
    process.stdout.write(`valid: data subject export signed by key ${r.keyId}${key ? "" : " (key taken from the file: compare it with the platform's signingKey)"}\n`);
    return 0;
  }
  const r = verifyAuditExport(text, verifyEd25519, publicKeyId, key);
  if (!r.valid) {
    process.stdout.write(`INVALID: ${r.problem}${r.line === null ? "" : ` (line ${r.line})`}\n`);
    return 1;
  }
  process.stdout.write(`valid: ${r.events} audit events of tenant ${r.tenantId}, hash chain intact, signed by key ${r.keyId}${key ? "" : " (key taken from the file: compare it with the platform's signingKey)"}\n`);
  return 0;
}
