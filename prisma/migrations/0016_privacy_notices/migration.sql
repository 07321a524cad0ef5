-- 0016_privacy_notices: privacy notices as versioned records (version, language, text, hash, effective date).
CREATE TABLE "PrivacyNotice" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "textHash" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "PrivacyNotice_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PrivacyNotice_tenantId_version_language_key" ON "PrivacyNotice"("tenantId", "version", "language");
ALTER TABLE "PrivacyNotice" ADD CONSTRAINT "PrivacyNotice_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
