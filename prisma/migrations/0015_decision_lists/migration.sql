-- 0015_decision_lists: the operator lists of verification and identification decisions, newest first.
CREATE INDEX "Verification_tenantId_createdAt_id_idx" ON "Verification"("tenantId", "createdAt", "id");
CREATE INDEX "Identification_tenantId_createdAt_id_idx" ON "Identification"("tenantId", "createdAt", "id");
