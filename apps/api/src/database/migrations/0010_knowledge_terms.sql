-- Knowledge retrieval by a question's rarer words first: how many of a source's passages hold each word, written with its passages, and computed here for the sources already ready.
CREATE TABLE "knowledge_terms" (
	"source_id" uuid NOT NULL,
	"assistant_id" text NOT NULL,
	"lexeme" text NOT NULL,
	"passages" integer NOT NULL,
	CONSTRAINT "knowledge_terms_source_id_lexeme_pk" PRIMARY KEY("source_id","lexeme")
);
--> statement-breakpoint
ALTER TABLE "knowledge_terms" ADD CONSTRAINT "knowledge_terms_source_id_knowledge_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."knowledge_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_terms_assistant_lexeme_idx" ON "knowledge_terms" USING btree ("assistant_id","lexeme");--> statement-breakpoint
INSERT INTO "knowledge_terms" ("source_id", "assistant_id", "lexeme", "passages")
SELECT s.id, s.assistant_id, t.word, t.ndoc
FROM "knowledge_sources" s,
  LATERAL ts_stat(format('select search from knowledge_passages where source_id = %L', s.id)) t
WHERE s.status = 'ready';
