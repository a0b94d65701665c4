-- Jobs are history kept beyond AWS's 30 days: range-partition them by month of creation_date so
-- retention drops a month at a time (PostgreSQL docs: DETACH/DROP PARTITION avoids the VACUUM
-- cost of a bulk DELETE). The tables were just created empty by 0002, so they are recreated.
-- Columns, key and index names stay exactly as drizzle declares them (db/schema/jobs.ts).
ALTER TABLE "backup_jobs" RENAME TO "backup_jobs_unpartitioned";
--> statement-breakpoint
CREATE TABLE "backup_jobs" (LIKE "backup_jobs_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("creation_date");
--> statement-breakpoint
DROP TABLE "backup_jobs_unpartitioned";
--> statement-breakpoint
ALTER TABLE "backup_jobs" ADD CONSTRAINT "backup_jobs_tenant_id_account_id_region_backup_job_id_creation_date_pk" PRIMARY KEY ("tenant_id","account_id","region","backup_job_id","creation_date");
--> statement-breakpoint
CREATE INDEX "backup_jobs_tenant_time_idx" ON "backup_jobs" USING btree ("tenant_id","creation_date");
--> statement-breakpoint
CREATE INDEX "backup_jobs_resource_idx" ON "backup_jobs" USING btree ("tenant_id","resource_arn","creation_date");
--> statement-breakpoint
ALTER TABLE "copy_jobs" RENAME TO "copy_jobs_unpartitioned";
--> statement-breakpoint
CREATE TABLE "copy_jobs" (LIKE "copy_jobs_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("creation_date");
--> statement-breakpoint
DROP TABLE "copy_jobs_unpartitioned";
--> statement-breakpoint
ALTER TABLE "copy_jobs" ADD CONSTRAINT "copy_jobs_tenant_id_account_id_region_copy_job_id_creation_date_pk" PRIMARY KEY ("tenant_id","account_id","region","copy_job_id","creation_date");
--> statement-breakpoint
CREATE INDEX "copy_jobs_tenant_time_idx" ON "copy_jobs" USING btree ("tenant_id","creation_date");
--> statement-breakpoint
CREATE INDEX "copy_jobs_resource_idx" ON "copy_jobs" USING btree ("tenant_id","resource_arn","creation_date");
--> statement-breakpoint
ALTER TABLE "restore_jobs" RENAME TO "restore_jobs_unpartitioned";
--> statement-breakpoint
CREATE TABLE "restore_jobs" (LIKE "restore_jobs_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("creation_date");
--> statement-breakpoint
DROP TABLE "restore_jobs_unpartitioned";
--> statement-breakpoint
ALTER TABLE "restore_jobs" ADD CONSTRAINT "restore_jobs_tenant_id_account_id_region_restore_job_id_creation_date_pk" PRIMARY KEY ("tenant_id","account_id","region","restore_job_id","creation_date");
--> statement-breakpoint
CREATE INDEX "restore_jobs_tenant_time_idx" ON "restore_jobs" USING btree ("tenant_id","creation_date");
--> statement-breakpoint
-- Creates the monthly partitions of the three job tables covering [from_month, to_month]
-- (idempotent). lib/sync calls it before publishing jobs of a month it has not seen.
CREATE OR REPLACE FUNCTION ensure_job_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer AS $$
DECLARE
  m date := date_trunc('month', from_ts AT TIME ZONE 'UTC')::date;
  last_m date := date_trunc('month', to_ts AT TIME ZONE 'UTC')::date;
  t text;
  part text;
  created integer := 0;
BEGIN
  WHILE m <= last_m LOOP
    FOREACH t IN ARRAY ARRAY['backup_jobs', 'copy_jobs', 'restore_jobs'] LOOP
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
-- Staging: pages are streamed here while a unit is read, then merged into the current tables in
-- the unit's one publish transaction. UNLOGGED (no WAL: a crash only loses unpublished reads),
-- no indexes but the attempt, and one attempt id per claim of a unit.
CREATE SEQUENCE "sync_attempt_seq";
--> statement-breakpoint
CREATE UNLOGGED TABLE "stg_recovery_points" ("attempt_id" bigint NOT NULL, LIKE "recovery_points");
--> statement-breakpoint
CREATE INDEX "stg_recovery_points_attempt_idx" ON "stg_recovery_points" ("attempt_id");
--> statement-breakpoint
CREATE UNLOGGED TABLE "stg_protected_resources" ("attempt_id" bigint NOT NULL, LIKE "protected_resources");
--> statement-breakpoint
CREATE INDEX "stg_protected_resources_attempt_idx" ON "stg_protected_resources" ("attempt_id");
--> statement-breakpoint
CREATE UNLOGGED TABLE "stg_resources" ("attempt_id" bigint NOT NULL, LIKE "resources");
--> statement-breakpoint
CREATE INDEX "stg_resources_attempt_idx" ON "stg_resources" ("attempt_id");
--> statement-breakpoint
CREATE UNLOGGED TABLE "stg_backup_jobs" ("attempt_id" bigint NOT NULL, LIKE "backup_jobs");
--> statement-breakpoint
CREATE INDEX "stg_backup_jobs_attempt_idx" ON "stg_backup_jobs" ("attempt_id");
--> statement-breakpoint
CREATE UNLOGGED TABLE "stg_copy_jobs" ("attempt_id" bigint NOT NULL, LIKE "copy_jobs");
--> statement-breakpoint
CREATE INDEX "stg_copy_jobs_attempt_idx" ON "stg_copy_jobs" ("attempt_id");
--> statement-breakpoint
CREATE UNLOGGED TABLE "stg_restore_jobs" ("attempt_id" bigint NOT NULL, LIKE "restore_jobs");
--> statement-breakpoint
CREATE INDEX "stg_restore_jobs_attempt_idx" ON "stg_restore_jobs" ("attempt_id");
--> statement-breakpoint
-- Inventory tables carry no foreign key to tenants (a row-level check per inserted row would take
-- a lock on the tenant row a million times per sync); deleting a tenant deletes its inventory here.
CREATE OR REPLACE FUNCTION delete_tenant_inventory() RETURNS trigger AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sync_units', 'org_organizations', 'org_units', 'org_accounts', 'org_delegated_admins', 'org_policies',
    'org_effective_policies', 'backup_plans', 'backup_plan_versions', 'backup_rules', 'backup_selections', 'backup_vaults',
    'recovery_points', 'protected_resources', 'resources', 'backup_jobs', 'copy_jobs', 'restore_jobs', 'restore_testing_plans',
    'region_settings', 'global_settings', 'stg_recovery_points', 'stg_protected_resources', 'stg_resources', 'stg_backup_jobs',
    'stg_copy_jobs', 'stg_restore_jobs'] LOOP
    EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', t) USING OLD.id;
  END LOOP;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER tenants_delete_inventory AFTER DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION delete_tenant_inventory();
