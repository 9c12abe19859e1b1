-- A staff member's try of an assistant's draft (PROTOCOL.md, Assistants: preview): never a lead.
ALTER TABLE "sessions" ADD COLUMN "preview" boolean DEFAULT false NOT NULL;
