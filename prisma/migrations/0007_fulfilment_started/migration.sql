-- 0007_fulfilment_started: when fulfilment of a data subject request began, committed
-- before any store is touched, so an erasure interrupted half-way (a crash, kill -9) is
-- found and completed at the next start or sweep without anyone calling fulfil again.
ALTER TABLE "DataSubjectRequest" ADD COLUMN "fulfilmentStartedAt" TIMESTAMPTZ(3);
CREATE INDEX "DataSubjectRequest_fulfilmentStartedAt_idx" ON "DataSubjectRequest"("fulfilmentStartedAt");
