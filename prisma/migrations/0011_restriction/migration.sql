-- 0011_restriction: restriction of processing (GDPR Art. 18). While set, nothing of the
-- subject is processed (no enrollment, matching or analysis) and nothing of theirs is
-- deleted by retention or consent expiry: the data is only stored.
ALTER TABLE "Subject" ADD COLUMN "restrictedSince" TIMESTAMPTZ(3);
ALTER TABLE "Subject" ADD COLUMN "restrictionReason" TEXT;
