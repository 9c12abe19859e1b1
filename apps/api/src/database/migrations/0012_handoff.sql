-- People in the conversation: staff messages with their author, and each session's handoff (who answers the visitor, who holds it, the request and its email reminder).
ALTER TABLE "messages" DROP CONSTRAINT "messages_role_check";--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_finish_reason_check";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "author_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "author_name" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_state" text DEFAULT 'assistant' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_holder_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_reminder" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_reminder_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "handoff_reminder_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "handoff_offered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_id_staff_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_handoff_holder_id_staff_users_id_fk" FOREIGN KEY ("handoff_holder_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_handoff_assignee_id_staff_users_id_fk" FOREIGN KEY ("handoff_assignee_id") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_handoff_idx" ON "sessions" USING btree ("handoff_state","updated_at") WHERE handoff_state <> 'assistant';--> statement-breakpoint
CREATE INDEX "sessions_handoff_reminder_idx" ON "sessions" USING btree ("handoff_reminder_at") WHERE handoff_reminder = 'due';--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_role_check" CHECK ("role" in ('user', 'assistant', 'staff'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_finish_reason_check" CHECK ("finish_reason" in ('stop', 'length', 'cancelled', 'handoff', 'error'));--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_handoff_state_check" CHECK ("handoff_state" in ('assistant', 'requested', 'human'));