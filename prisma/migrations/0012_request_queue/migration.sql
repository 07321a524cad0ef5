-- 0012_request_queue: the tenant-wide data subject request queue pages soonest due first
-- from a (dueAt, id) cursor.
CREATE INDEX "DataSubjectRequest_tenantId_dueAt_id_idx" ON "DataSubjectRequest"("tenantId", "dueAt", "id");
