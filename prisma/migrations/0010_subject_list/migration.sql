-- 0010_subject_list: the operator API lists a tenant's subjects oldest first, a page at a
-- time from a (createdAt, id) cursor; this index serves those pages without a sort.
CREATE INDEX "Subject_tenantId_createdAt_id_idx" ON "Subject"("tenantId", "createdAt", "id");
