-- 0013_consent_list: the tenant-wide consent list (the consents report) pages oldest first
-- from a (grantedAt, id) cursor.
CREATE INDEX "Consent_tenantId_grantedAt_id_idx" ON "Consent"("tenantId", "grantedAt", "id");
