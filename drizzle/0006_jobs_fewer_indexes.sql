DROP INDEX "backup_jobs_resource_idx";--> statement-breakpoint
DROP INDEX "copy_jobs_resource_idx";