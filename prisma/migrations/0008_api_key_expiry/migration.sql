-- 0008_api_key_expiry: a rotated API key stays valid until its grace period ends.
ALTER TABLE "ApiKey" ADD COLUMN "expiresAt" TIMESTAMPTZ(3);
