-- Rows already in the log keep key_id null: no key existed when they were written, and a migration
-- cannot compute a MAC without the key (which never enters the database). They stay verified by the
-- plain SHA-256 chain; the first keyed row links to the last of them, so its MAC seals them too.
ALTER TABLE "audit_log" ADD COLUMN "key_id" text;
