-- 0003_identification: decision records of 1:N identifications and the subjects each
-- returned (so a data subject export lists every identification involving the subject,
-- and erasure can remove those rows).

CREATE TABLE "Identification" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "galleryId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "reviewThreshold" DOUBLE PRECISION NOT NULL,
    "candidates" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "Identification_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Identification_tenantId_idx" ON "Identification"("tenantId");
ALTER TABLE "Identification" ADD CONSTRAINT "Identification_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "IdentificationCandidate" (
    "identificationId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "IdentificationCandidate_pkey" PRIMARY KEY ("identificationId", "subjectId")
);
CREATE INDEX "IdentificationCandidate_tenantId_subjectId_idx" ON "IdentificationCandidate"("tenantId", "subjectId");
ALTER TABLE "IdentificationCandidate" ADD CONSTRAINT "IdentificationCandidate_identificationId_fkey" FOREIGN KEY ("identificationId") REFERENCES "Identification"("id") ON DELETE CASCADE ON UPDATE CASCADE;
