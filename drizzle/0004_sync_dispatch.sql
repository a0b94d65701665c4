ALTER TABLE "sync_run_units" ADD COLUMN "staging_attempt_id" bigint;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "sync_runs_undispatched_idx" ON "sync_runs" USING btree ("created_at") WHERE dispatched_at is null;