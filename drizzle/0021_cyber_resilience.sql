CREATE TABLE "backup_vault_shares" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"vault_arn" text NOT NULL,
	"resource_share_arn" text NOT NULL,
	"principal" text NOT NULL,
	"external" boolean NOT NULL,
	CONSTRAINT "backup_vault_shares_tenant_id_account_id_region_vault_arn_resource_share_arn_principal_pk" PRIMARY KEY("tenant_id","account_id","region","vault_arn","resource_share_arn","principal")
);
--> statement-breakpoint
CREATE TABLE "scan_jobs" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"scan_job_id" text NOT NULL,
	"creation_date" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"status_message" text,
	"scan_result_status" text,
	"malware_scanner" text NOT NULL,
	"scan_mode" text,
	"resource_arn" text NOT NULL,
	"resource_type" text NOT NULL,
	"recovery_point_arn" text NOT NULL,
	"backup_vault_name" text NOT NULL,
	"backup_plan_id" text,
	"backup_rule_id" text,
	"completion_date" timestamp with time zone,
	CONSTRAINT "scan_jobs_tenant_id_account_id_region_scan_job_id_creation_date_pk" PRIMARY KEY("tenant_id","account_id","region","scan_job_id","creation_date")
) PARTITION BY RANGE ("creation_date");
--> statement-breakpoint
ALTER TABLE "sync_units" ADD COLUMN "scan_jobs_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "backup_plans" ADD COLUMN "scan_settings" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "backup_rules" ADD COLUMN "scan_actions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "backup_rules" ADD COLUMN "index_resource_types" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "backup_vaults" ADD COLUMN "mpa_approval_team_arn" text;--> statement-breakpoint
ALTER TABLE "backup_vaults" ADD COLUMN "shares_unreadable" text;--> statement-breakpoint
ALTER TABLE "recovery_points" ADD COLUMN "delete_after_event" text;--> statement-breakpoint
ALTER TABLE "recovery_points" ADD COLUMN "scan_status" text;--> statement-breakpoint
ALTER TABLE "recovery_points" ADD COLUMN "scanned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recovery_points" ADD COLUMN "index_status" text;--> statement-breakpoint
CREATE INDEX "scan_jobs_tenant_time_idx" ON "scan_jobs" USING btree ("tenant_id","creation_date");--> statement-breakpoint
CREATE INDEX "recovery_points_threats_idx" ON "recovery_points" USING btree ("tenant_id","creation_date","recovery_point_arn") WHERE scan_status = 'THREATS_FOUND';--> statement-breakpoint
-- Scan jobs are job history like the others: monthly partitions, a staging twin, and the
-- tenant-deletion trigger's list. The staging tables were made LIKE their tables and must keep
-- their columns.
CREATE UNLOGGED TABLE "stg_scan_jobs" ("attempt_id" bigint NOT NULL, LIKE "scan_jobs");
--> statement-breakpoint
CREATE INDEX "stg_scan_jobs_attempt_idx" ON "stg_scan_jobs" ("attempt_id");
--> statement-breakpoint
ALTER TABLE "stg_recovery_points" ADD COLUMN "delete_after_event" text;--> statement-breakpoint
ALTER TABLE "stg_recovery_points" ADD COLUMN "scan_status" text;--> statement-breakpoint
ALTER TABLE "stg_recovery_points" ADD COLUMN "scanned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stg_recovery_points" ADD COLUMN "index_status" text;--> statement-breakpoint
CREATE OR REPLACE FUNCTION ensure_job_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer AS $$
DECLARE
  m date := date_trunc('month', from_ts AT TIME ZONE 'UTC')::date;
  last_m date := date_trunc('month', to_ts AT TIME ZONE 'UTC')::date;
  t text;
  part text;
  created integer := 0;
BEGIN
  WHILE m <= last_m LOOP
    FOREACH t IN ARRAY ARRAY['backup_jobs', 'copy_jobs', 'restore_jobs', 'scan_jobs'] LOOP
      part := format('%s_%s', t, to_char(m, 'YYYY_MM'));
      IF to_regclass(part) IS NULL THEN
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          part, t, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
      END IF;
    END LOOP;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Months that already have job partitions get their scan_jobs partition now.
SELECT ensure_job_partitions(
  to_timestamp(substring(min(c.relname) from '(\d{4}_\d{2})$'), 'YYYY_MM'),
  to_timestamp(substring(max(c.relname) from '(\d{4}_\d{2})$'), 'YYYY_MM'))
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
WHERE p.relname = 'backup_jobs' HAVING count(*) > 0;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION delete_tenant_inventory() RETURNS trigger AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sync_units', 'org_organizations', 'org_units', 'org_accounts', 'org_delegated_admins', 'org_policies',
    'org_effective_policies', 'backup_plans', 'backup_plan_versions', 'backup_rules', 'backup_selections', 'backup_vaults',
    'backup_vault_shares', 'recovery_points', 'protected_resources', 'resources', 'backup_jobs', 'copy_jobs', 'restore_jobs',
    'scan_jobs', 'restore_testing_plans', 'region_settings', 'global_settings', 'stg_recovery_points', 'stg_protected_resources',
    'stg_resources', 'stg_backup_jobs', 'stg_copy_jobs', 'stg_restore_jobs', 'stg_scan_jobs'] LOOP
    EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', t) USING OLD.id;
  END LOOP;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
