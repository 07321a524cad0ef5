-- 0017_enrollment_batches: batch enrollment requests and their items (photos sealed while pending).
CREATE TABLE "EnrollmentBatch" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "galleryId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "actor" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "EnrollmentBatch_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "EnrollmentBatch_status_idx" ON "EnrollmentBatch"("status");
ALTER TABLE "EnrollmentBatch" ADD CONSTRAINT "EnrollmentBatch_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "EnrollmentBatchItem" (
    "batchId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "tenantId" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "sealedImage" BYTEA,
    "templateId" TEXT,
    "errorReason" TEXT,
    "errorMessage" TEXT,
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "EnrollmentBatchItem_pkey" PRIMARY KEY ("batchId", "seq")
);
CREATE INDEX "EnrollmentBatchItem_tenantId_subjectId_idx" ON "EnrollmentBatchItem"("tenantId", "subjectId");
ALTER TABLE "EnrollmentBatchItem" ADD CONSTRAINT "EnrollmentBatchItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "EnrollmentBatch"("id") ON DELETE CASCADE ON UPDATE CASCADE;
