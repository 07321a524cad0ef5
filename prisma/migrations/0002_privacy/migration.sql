-- 0002_privacy: consent lifecycle (notice hash, evidence, separate / guardian consent,
-- expiry), subject date of birth and legal hold, template retention, data subject
-- requests. Subject data keys leave the database for the key vault
-- (src/adapters/keys/), so that a copy of this database cannot be decrypted once a
-- subject's key is destroyed.

ALTER TABLE "Subject" ADD COLUMN "dateOfBirth" DATE;
ALTER TABLE "Subject" ADD COLUMN "legalHoldSince" TIMESTAMPTZ(3);
ALTER TABLE "Subject" ADD COLUMN "legalHoldReason" TEXT;

ALTER TABLE "Consent" ADD COLUMN "noticeHash" TEXT;
ALTER TABLE "Consent" ADD COLUMN "evidenceRef" TEXT;
ALTER TABLE "Consent" ADD COLUMN "separate" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Consent" ADD COLUMN "byGuardian" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Consent" ADD COLUMN "expiresAt" TIMESTAMPTZ(3);

ALTER TABLE "Template" ADD COLUMN "lastUsedAt" TIMESTAMPTZ(3);
ALTER TABLE "Template" ADD COLUMN "retainUntil" TIMESTAMPTZ(3);
UPDATE "Template" SET "retainUntil" = "createdAt" + INTERVAL '365 days';
ALTER TABLE "Template" ALTER COLUMN "retainUntil" SET NOT NULL;
CREATE INDEX "Template_retainUntil_idx" ON "Template"("retainUntil");

-- Pre-release: keys stored here by 0001 are not carried over (no release used them).
DROP TABLE "SubjectKey";

CREATE TABLE "DataSubjectRequest" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "extendedAt" TIMESTAMPTZ(3),
    "extensionReason" TEXT,
    "identityVerifiedAt" TIMESTAMPTZ(3),
    "identityMethod" TEXT,
    "identityEvidence" TEXT,
    "completedAt" TIMESTAMPTZ(3),
    "result" TEXT,
    CONSTRAINT "DataSubjectRequest_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "DataSubjectRequest_tenantId_subjectId_idx" ON "DataSubjectRequest"("tenantId", "subjectId");
ALTER TABLE "DataSubjectRequest" ADD CONSTRAINT "DataSubjectRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
