-- 0005_capture_checks: the quality score of each template's capture (and its attributes,
-- only where the purpose's policy allows storing them), and single-use active-liveness
-- sessions, which go with their subject on erasure.
ALTER TABLE "Template" ADD COLUMN "qualityScore" DOUBLE PRECISION;
ALTER TABLE "Template" ADD COLUMN "attributes" JSONB;

CREATE TABLE "LivenessSession" (
  "id" TEXT PRIMARY KEY,
  "tenantId" TEXT NOT NULL,
  "subjectId" TEXT NOT NULL REFERENCES "Subject"("id") ON DELETE CASCADE,
  "purpose" TEXT NOT NULL,
  "challenges" TEXT[],
  "status" TEXT NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL,
  "expiresAt" TIMESTAMPTZ(3) NOT NULL,
  "completedAt" TIMESTAMPTZ(3),
  "failureReasons" TEXT[] DEFAULT '{}'
);
CREATE INDEX "LivenessSession_subjectId_idx" ON "LivenessSession"("subjectId");
CREATE INDEX "LivenessSession_expiresAt_idx" ON "LivenessSession"("expiresAt");
