-- The assistant and published version a session runs, to its end (PROTOCOL.md, Assistants).
ALTER TABLE "sessions" ADD COLUMN "assistant_id" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "assistant_version" integer;--> statement-breakpoint
-- Sessions from before assistants ran the profile file, which is the default assistant's version 1.
-- On a database that has no assistant yet the first start imports it and fills these in.
UPDATE "sessions" SET "assistant_id" = (SELECT "id" FROM "assistants" WHERE "is_default"), "assistant_version" = 1
WHERE "assistant_id" IS NULL AND EXISTS (SELECT 1 FROM "assistants" WHERE "is_default");--> statement-breakpoint
CREATE INDEX "sessions_assistant_id_idx" ON "sessions" USING btree ("assistant_id");
