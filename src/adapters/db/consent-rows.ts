/** A consent row as the domain sees it, and the order a subject's consents are read in (oldest first). */
import type { Consent, ConsentMethod } from "../../domain/consent.js";

export const consentOrder = [{ grantedAt: "asc" as const }, { id: "asc" as const }];

export const toConsent = <R extends { method: string }>(row: R): Omit<R, "method"> & { method: ConsentMethod } => ({ ...row, method: row.method as ConsentMethod });
