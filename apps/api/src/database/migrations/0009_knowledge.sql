-- Knowledge (PROTOCOL.md, Knowledge v3): the sources staff upload, processed by a leased job into passages searched by full text (a generated tsvector, GIN-indexed), and the sources each assistant reply used.
CREATE TABLE "knowledge_passages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source_id" uuid NOT NULL,
	"assistant_id" text NOT NULL,
	"position" integer NOT NULL,
	"heading" text,
	"content" text NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(heading, '')), 'A') || setweight(to_tsvector('english', content), 'B')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_sources" (
	"id" uuid PRIMARY KEY NOT NULL,
	"assistant_id" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"url" text,
	"media_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"content" "bytea",
	"status" text DEFAULT 'processing' NOT NULL,
	"error" text,
	"passages" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_sources_kind_check" CHECK ("kind" in ('file', 'url')),
	CONSTRAINT "knowledge_sources_status_check" CHECK ("status" in ('processing', 'ready', 'failed')),
	CONSTRAINT "knowledge_sources_media_type_check" CHECK ("media_type" in ('text/markdown', 'text/plain', 'text/html', 'application/pdf'))
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sources" jsonb;--> statement-breakpoint
ALTER TABLE "knowledge_passages" ADD CONSTRAINT "knowledge_passages_source_id_knowledge_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."knowledge_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_sources" ADD CONSTRAINT "knowledge_sources_assistant_id_assistants_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_passages_search_idx" ON "knowledge_passages" USING gin ("search");--> statement-breakpoint
CREATE INDEX "knowledge_passages_assistant_idx" ON "knowledge_passages" USING btree ("assistant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_passages_source_position_uq" ON "knowledge_passages" USING btree ("source_id","position");--> statement-breakpoint
CREATE INDEX "knowledge_sources_assistant_idx" ON "knowledge_sources" USING btree ("assistant_id","created_at");--> statement-breakpoint
CREATE INDEX "knowledge_sources_processing_idx" ON "knowledge_sources" USING btree ("created_at") WHERE "knowledge_sources"."status" = 'processing';