-- An assistant may send its leads to a webhook of its own (PROTOCOL.md, Assistants: notifications).
-- The receiver is fixed on the notification when it is queued (null: LEAD_WEBHOOK_URL), and the
-- lead.erased notice an erasure owes goes to the receiver that was sent the lead.
ALTER TABLE "notifications" ADD COLUMN "target_url" text;--> statement-breakpoint
ALTER TABLE "erasure_notices" ADD COLUMN "target_url" text;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "erasure_notice_for_webhook"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "erasure_notices" ("id", "lead_id", "erased_at", "target_url")
	VALUES (gen_random_uuid(), OLD."lead_id", now(), OLD."target_url");
	RETURN NULL;
END;
$$;
