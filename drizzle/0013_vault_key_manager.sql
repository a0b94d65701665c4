ALTER TABLE "backup_vaults" ADD COLUMN "key_manager_outcome" text;--> statement-breakpoint
ALTER TABLE "backup_vaults" ADD COLUMN "key_manager" text;--> statement-breakpoint
ALTER TABLE "backup_vaults" ADD COLUMN "key_manager_detail" text;