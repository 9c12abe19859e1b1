CREATE TABLE "erasure_notices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid NOT NULL,
	"erased_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erasure_notices_status_check" CHECK ("status" in ('queued', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "erasure_notices_due_idx" ON "erasure_notices" USING btree ("status","next_attempt_at");--> statement-breakpoint
-- A lead's webhook notification is deleted only with its lead (the erasure's cascade): its receiver
-- was sent the lead, or may hold it, and is owed a lead.erased notice, written in the same statement.
CREATE FUNCTION "erasure_notice_for_webhook"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "erasure_notices" ("id", "lead_id", "erased_at") VALUES (gen_random_uuid(), OLD."lead_id", now());
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "notifications_erasure_notice" AFTER DELETE ON "notifications"
	FOR EACH ROW WHEN (OLD."channel" = 'webhook') EXECUTE FUNCTION "erasure_notice_for_webhook"();
