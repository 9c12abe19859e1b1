-- The key of the HMAC with which a host site vouches for a signed-in visitor (PROTOCOL.md, Website widget: identify).
ALTER TABLE "assistants" ADD COLUMN "identity_secret" text;
