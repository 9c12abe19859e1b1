CREATE TABLE "assistant_versions" (
	"assistant_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" text NOT NULL,
	CONSTRAINT "assistant_versions_assistant_id_version_pk" PRIMARY KEY("assistant_id","version"),
	CONSTRAINT "assistant_versions_version_check" CHECK ("assistant_versions"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "assistants" (
	"id" text PRIMARY KEY NOT NULL,
	"draft" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "assistants_id_check" CHECK ("assistants"."id" ~ '^[a-z0-9-]{1,64}$')
);
--> statement-breakpoint
ALTER TABLE "assistant_versions" ADD CONSTRAINT "assistant_versions_assistant_id_assistants_id_fk" FOREIGN KEY ("assistant_id") REFERENCES "public"."assistants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assistants_one_default_uq" ON "assistants" USING btree ("is_default") WHERE "assistants"."is_default";--> statement-breakpoint
-- A published version is what sessions that started on it run: it never changes (restoring one publishes a copy).
CREATE FUNCTION "assistant_versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'a published assistant version is never changed';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "assistant_versions_no_update" BEFORE UPDATE ON "assistant_versions"
	FOR EACH ROW EXECUTE FUNCTION "assistant_versions_immutable"();
