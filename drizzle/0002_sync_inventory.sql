CREATE TABLE "sync_run_units" (
	"run_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"account_name" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"worker_id" text,
	"heartbeat_at" timestamp with time zone,
	"throttled_since" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"error" text,
	"error_kind" text,
	"remedy" text,
	"calls" integer DEFAULT 0 NOT NULL,
	"throttled" integer DEFAULT 0 NOT NULL,
	"counts" jsonb,
	CONSTRAINT "sync_run_units_run_id_account_id_region_pk" PRIMARY KEY("run_id","account_id","region")
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"requested_by_id" uuid,
	"requested_by_email" text,
	"scheduled_for" timestamp with time zone,
	"status" text DEFAULT 'queued' NOT NULL,
	"phase" text DEFAULT 'queued' NOT NULL,
	"units_total" integer DEFAULT 0 NOT NULL,
	"error" text,
	"error_kind" text,
	"summary" jsonb,
	"coordinator_id" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_units" (
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"status" text NOT NULL,
	"published_run_id" uuid,
	"published_at" timestamp with time zone,
	"error" text,
	"error_kind" text,
	"error_at" timestamp with time zone,
	"last_run_id" uuid,
	"recovery_points_full_at" timestamp with time zone,
	"backup_jobs_after" timestamp with time zone,
	"copy_jobs_after" timestamp with time zone,
	"restore_jobs_after" timestamp with time zone,
	"counts" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_units_tenant_id_account_id_region_pk" PRIMARY KEY("tenant_id","account_id","region")
);
--> statement-breakpoint
CREATE TABLE "tenant_account_settings" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"member_role_name" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_account_settings_tenant_id_account_id_pk" PRIMARY KEY("tenant_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "org_accounts" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"state" text NOT NULL,
	"parent_id" text NOT NULL,
	"ou_path" text[] NOT NULL,
	"joined_method" text,
	"joined_at" timestamp with time zone,
	CONSTRAINT "org_accounts_tenant_id_account_id_pk" PRIMARY KEY("tenant_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "org_delegated_admins" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"name" text,
	"email" text,
	"state" text,
	"delegation_enabled_at" timestamp with time zone,
	CONSTRAINT "org_delegated_admins_tenant_id_account_id_pk" PRIMARY KEY("tenant_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "org_effective_policies" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"content" text NOT NULL,
	"last_updated" timestamp with time zone,
	CONSTRAINT "org_effective_policies_tenant_id_account_id_pk" PRIMARY KEY("tenant_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "org_organizations" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"arn" text,
	"feature_set" text,
	"management_account_id" text NOT NULL,
	"management_account_email" text,
	"root_id" text,
	"enabled_policy_types" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_policies" (
	"tenant_id" uuid NOT NULL,
	"policy_id" text NOT NULL,
	"arn" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"aws_managed" boolean NOT NULL,
	"content" text NOT NULL,
	"targets" text[] NOT NULL,
	CONSTRAINT "org_policies_tenant_id_policy_id_pk" PRIMARY KEY("tenant_id","policy_id")
);
--> statement-breakpoint
CREATE TABLE "org_units" (
	"tenant_id" uuid NOT NULL,
	"ou_id" text NOT NULL,
	"name" text NOT NULL,
	"parent_id" text,
	"path" text[] NOT NULL,
	CONSTRAINT "org_units_tenant_id_ou_id_pk" PRIMARY KEY("tenant_id","ou_id")
);
--> statement-breakpoint
CREATE TABLE "backup_plan_versions" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"plan_id" text NOT NULL,
	"version_id" text NOT NULL,
	"is_current" boolean NOT NULL,
	"creation_date" timestamp with time zone,
	"deletion_date" timestamp with time zone,
	CONSTRAINT "backup_plan_versions_tenant_id_account_id_region_plan_id_version_id_pk" PRIMARY KEY("tenant_id","account_id","region","plan_id","version_id")
);
--> statement-breakpoint
CREATE TABLE "backup_plans" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"plan_id" text NOT NULL,
	"plan_arn" text NOT NULL,
	"plan_name" text NOT NULL,
	"version_id" text NOT NULL,
	"org_managed" boolean NOT NULL,
	"creation_date" timestamp with time zone,
	"last_execution_date" timestamp with time zone,
	"advanced_backup_settings" jsonb NOT NULL,
	CONSTRAINT "backup_plans_tenant_id_account_id_region_plan_id_pk" PRIMARY KEY("tenant_id","account_id","region","plan_id")
);
--> statement-breakpoint
CREATE TABLE "backup_rules" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"plan_id" text NOT NULL,
	"version_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"position" integer NOT NULL,
	"rule_name" text NOT NULL,
	"target_backup_vault_name" text NOT NULL,
	"target_logically_air_gapped_backup_vault_arn" text,
	"schedule_expression" text,
	"schedule_expression_timezone" text,
	"start_window_minutes" integer,
	"completion_window_minutes" integer,
	"lifecycle" jsonb,
	"copy_actions" jsonb NOT NULL,
	"enable_continuous_backup" boolean NOT NULL,
	"recovery_point_tags" jsonb NOT NULL,
	CONSTRAINT "backup_rules_tenant_id_account_id_region_plan_id_version_id_rule_id_pk" PRIMARY KEY("tenant_id","account_id","region","plan_id","version_id","rule_id")
);
--> statement-breakpoint
CREATE TABLE "backup_selections" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"plan_id" text NOT NULL,
	"selection_id" text NOT NULL,
	"selection_name" text NOT NULL,
	"iam_role_arn" text NOT NULL,
	"resources" text[] NOT NULL,
	"not_resources" text[] NOT NULL,
	"list_of_tags" jsonb NOT NULL,
	"conditions" jsonb NOT NULL,
	"creation_date" timestamp with time zone,
	CONSTRAINT "backup_selections_tenant_id_account_id_region_plan_id_selection_id_pk" PRIMARY KEY("tenant_id","account_id","region","plan_id","selection_id")
);
--> statement-breakpoint
CREATE TABLE "backup_vaults" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"vault_name" text NOT NULL,
	"vault_arn" text NOT NULL,
	"vault_type" text NOT NULL,
	"vault_state" text,
	"encryption_key_arn" text,
	"encryption_key_type" text,
	"creation_date" timestamp with time zone,
	"number_of_recovery_points" bigint NOT NULL,
	"locked" boolean NOT NULL,
	"min_retention_days" integer,
	"max_retention_days" integer,
	"lock_date" timestamp with time zone,
	"access_policy" text,
	"notification_topic_arn" text,
	"notification_events" text[] NOT NULL,
	CONSTRAINT "backup_vaults_tenant_id_account_id_region_vault_name_pk" PRIMARY KEY("tenant_id","account_id","region","vault_name")
);
--> statement-breakpoint
CREATE TABLE "recovery_points" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"recovery_point_arn" text NOT NULL,
	"backup_vault_name" text NOT NULL,
	"backup_vault_arn" text NOT NULL,
	"resource_arn" text NOT NULL,
	"resource_type" text NOT NULL,
	"creation_date" timestamp with time zone NOT NULL,
	"completion_date" timestamp with time zone,
	"status" text NOT NULL,
	"is_encrypted" boolean NOT NULL,
	"encryption_key_arn" text,
	"move_to_cold_storage_after_days" integer,
	"delete_after_days" integer,
	"opt_in_to_archive" boolean,
	"move_to_cold_storage_at" timestamp with time zone,
	"delete_at" timestamp with time zone,
	"backup_plan_id" text,
	"backup_plan_arn" text,
	"backup_rule_id" text,
	"source_backup_vault_arn" text,
	"storage_class" text,
	"backup_size_bytes" bigint,
	"is_parent" boolean NOT NULL,
	"parent_recovery_point_arn" text,
	"vault_type" text,
	CONSTRAINT "recovery_points_tenant_id_account_id_region_recovery_point_arn_pk" PRIMARY KEY("tenant_id","account_id","region","recovery_point_arn")
);
--> statement-breakpoint
CREATE TABLE "protected_resources" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"resource_arn" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_name" text,
	"last_backup_time" timestamp with time zone,
	"last_backup_vault_arn" text,
	"last_recovery_point_arn" text,
	CONSTRAINT "protected_resources_tenant_id_account_id_region_resource_arn_pk" PRIMARY KEY("tenant_id","account_id","region","resource_arn")
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"resource_arn" text NOT NULL,
	"resource_type" text NOT NULL,
	"tags" jsonb NOT NULL,
	CONSTRAINT "resources_tenant_id_account_id_region_resource_arn_pk" PRIMARY KEY("tenant_id","account_id","region","resource_arn")
);
--> statement-breakpoint
CREATE TABLE "backup_jobs" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"backup_job_id" text NOT NULL,
	"creation_date" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"status_message" text,
	"message_category" text,
	"resource_arn" text NOT NULL,
	"resource_type" text NOT NULL,
	"backup_vault_name" text NOT NULL,
	"recovery_point_arn" text,
	"backup_plan_id" text,
	"backup_rule_id" text,
	"completion_date" timestamp with time zone,
	"backup_size_bytes" bigint,
	"is_parent" boolean NOT NULL,
	"parent_job_id" text,
	CONSTRAINT "backup_jobs_tenant_id_account_id_region_backup_job_id_creation_date_pk" PRIMARY KEY("tenant_id","account_id","region","backup_job_id","creation_date")
);
--> statement-breakpoint
CREATE TABLE "copy_jobs" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"copy_job_id" text NOT NULL,
	"creation_date" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"status_message" text,
	"message_category" text,
	"resource_arn" text NOT NULL,
	"resource_type" text NOT NULL,
	"source_backup_vault_arn" text NOT NULL,
	"source_recovery_point_arn" text NOT NULL,
	"destination_backup_vault_arn" text NOT NULL,
	"destination_recovery_point_arn" text,
	"completion_date" timestamp with time zone,
	"backup_size_bytes" bigint,
	CONSTRAINT "copy_jobs_tenant_id_account_id_region_copy_job_id_creation_date_pk" PRIMARY KEY("tenant_id","account_id","region","copy_job_id","creation_date")
);
--> statement-breakpoint
CREATE TABLE "restore_jobs" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"restore_job_id" text NOT NULL,
	"creation_date" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"status_message" text,
	"recovery_point_arn" text NOT NULL,
	"source_resource_arn" text,
	"resource_type" text NOT NULL,
	"created_resource_arn" text,
	"completion_date" timestamp with time zone,
	"restore_testing_plan_arn" text,
	"validation_status" text,
	CONSTRAINT "restore_jobs_tenant_id_account_id_region_restore_job_id_creation_date_pk" PRIMARY KEY("tenant_id","account_id","region","restore_job_id","creation_date")
);
--> statement-breakpoint
CREATE TABLE "global_settings" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"is_cross_account_backup_enabled" boolean,
	"raw" jsonb NOT NULL,
	"last_update_time" timestamp with time zone,
	CONSTRAINT "global_settings_tenant_id_account_id_pk" PRIMARY KEY("tenant_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "region_settings" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"resource_type_opt_in" jsonb NOT NULL,
	"resource_type_management" jsonb NOT NULL,
	CONSTRAINT "region_settings_tenant_id_account_id_region_pk" PRIMARY KEY("tenant_id","account_id","region")
);
--> statement-breakpoint
CREATE TABLE "restore_testing_plans" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"plan_name" text NOT NULL,
	"plan_arn" text NOT NULL,
	"schedule_expression" text NOT NULL,
	"schedule_expression_timezone" text,
	"start_window_hours" integer,
	"creation_time" timestamp with time zone,
	"last_execution_time" timestamp with time zone,
	"last_update_time" timestamp with time zone,
	CONSTRAINT "restore_testing_plans_tenant_id_account_id_region_plan_name_pk" PRIMARY KEY("tenant_id","account_id","region","plan_name")
);
--> statement-breakpoint
ALTER TABLE "sync_run_units" ADD CONSTRAINT "sync_run_units_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_account_settings" ADD CONSTRAINT "tenant_account_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_run_units_tenant_idx" ON "sync_run_units" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "sync_run_units_running_idx" ON "sync_run_units" USING btree ("heartbeat_at") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "sync_runs_tenant_idx" ON "sync_runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_active_key" ON "sync_runs" USING btree ("tenant_id") WHERE status in ('queued', 'running');--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_schedule_slot_key" ON "sync_runs" USING btree ("tenant_id","scheduled_for");--> statement-breakpoint
CREATE INDEX "sync_runs_active_idx" ON "sync_runs" USING btree ("status") WHERE status in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "backup_selections_role_idx" ON "backup_selections" USING btree ("tenant_id","iam_role_arn");--> statement-breakpoint
CREATE INDEX "backup_vaults_arn_idx" ON "backup_vaults" USING btree ("tenant_id","vault_arn");--> statement-breakpoint
CREATE INDEX "recovery_points_resource_idx" ON "recovery_points" USING btree ("tenant_id","resource_arn","creation_date");--> statement-breakpoint
CREATE INDEX "backup_jobs_tenant_time_idx" ON "backup_jobs" USING btree ("tenant_id","creation_date");--> statement-breakpoint
CREATE INDEX "backup_jobs_resource_idx" ON "backup_jobs" USING btree ("tenant_id","resource_arn","creation_date");--> statement-breakpoint
CREATE INDEX "copy_jobs_tenant_time_idx" ON "copy_jobs" USING btree ("tenant_id","creation_date");--> statement-breakpoint
CREATE INDEX "copy_jobs_resource_idx" ON "copy_jobs" USING btree ("tenant_id","resource_arn","creation_date");--> statement-breakpoint
CREATE INDEX "restore_jobs_tenant_time_idx" ON "restore_jobs" USING btree ("tenant_id","creation_date");