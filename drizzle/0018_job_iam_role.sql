ALTER TABLE "backup_jobs" ADD COLUMN "iam_role_arn" text;--> statement-breakpoint
ALTER TABLE "copy_jobs" ADD COLUMN "iam_role_arn" text;--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD COLUMN "iam_role_arn" text;--> statement-breakpoint
-- The staging tables were made LIKE their tables and must keep their columns.
ALTER TABLE "stg_backup_jobs" ADD COLUMN "iam_role_arn" text;--> statement-breakpoint
ALTER TABLE "stg_copy_jobs" ADD COLUMN "iam_role_arn" text;--> statement-breakpoint
ALTER TABLE "stg_restore_jobs" ADD COLUMN "iam_role_arn" text;
