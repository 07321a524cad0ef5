-- 0006_outbox: messages for the job queue and the other processes' matching indexes,
-- written in the transaction of the change that causes them and deleted once delivered
-- (src/domain/outbox.ts). Ids only, never personal or biometric data.
CREATE TABLE "OutboxMessage" (
  "id" TEXT PRIMARY KEY,
  "seq" BIGSERIAL NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL,
  "message" JSONB NOT NULL,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "lastError" TEXT
);
CREATE UNIQUE INDEX "OutboxMessage_seq_key" ON "OutboxMessage"("seq");
