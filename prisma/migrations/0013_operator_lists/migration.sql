-- 0013_operator_lists: the tenant-wide consent list (the consents report) and template list
-- page oldest first from a (grantedAt, id) / (createdAt, id) cursor.
CREATE INDEX "Consent_tenantId_grantedAt_id_idx" ON "Consent"("tenantId", "grantedAt", "id");
CREATE INDEX "Template_tenantId_createdAt_id_idx" ON "Template"("tenantId", "createdAt", "id");
