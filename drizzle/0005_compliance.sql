CREATE TABLE "compliance_evaluations" (
	"id" serial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"status" text NOT NULL,
	"trigger" text NOT NULL,
	"sync_run_id" uuid,
	"snapshot_at" timestamp with time zone,
	"oldest_data_at" timestamp with time zone,
	"evaluated_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"templates" jsonb NOT NULL,
	"run_ids" integer[] NOT NULL,
	"stats" jsonb,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "compliance_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"finding_key" text NOT NULL,
	"control_id" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"reason" text NOT NULL,
	"owner" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_id" uuid,
	"created_by_email" text,
	"revoked_at" timestamp with time zone,
	"revoked_by_email" text,
	"revoke_reason" text
);
--> statement-breakpoint
CREATE TABLE "compliance_panel_history" (
	"panel_id" integer NOT NULL,
	"evaluation_id" integer NOT NULL,
	"tenant_id" uuid NOT NULL,
	"prev_version" integer,
	"delta" "bytea" NOT NULL,
	"counts" jsonb NOT NULL,
	CONSTRAINT "compliance_panel_history_panel_id_evaluation_id_pk" PRIMARY KEY("panel_id","evaluation_id")
);
--> statement-breakpoint
CREATE TABLE "compliance_panels" (
	"id" serial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"version" integer NOT NULL,
	"digest" text NOT NULL,
	"state" "bytea" NOT NULL,
	"evidence" "bytea" NOT NULL,
	"counts" jsonb NOT NULL,
	"findings" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key_digest" text NOT NULL,
	"control_id" text NOT NULL,
	"params" jsonb NOT NULL,
	"scope" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_score_days" (
	"tenant_id" uuid NOT NULL,
	"template_slug" text NOT NULL,
	"requirement_id" text NOT NULL,
	"day" date NOT NULL,
	"evaluation_id" integer NOT NULL,
	"status" text NOT NULL,
	"score" double precision,
	"pass" integer NOT NULL,
	"fail" integer NOT NULL,
	"not_applicable" integer NOT NULL,
	"error" integer NOT NULL,
	"excepted" integer NOT NULL,
	CONSTRAINT "compliance_score_days_tenant_id_template_slug_requirement_id_day_pk" PRIMARY KEY("tenant_id","template_slug","requirement_id","day")
);
--> statement-breakpoint
CREATE TABLE "compliance_score_slices" (
	"evaluation_id" integer NOT NULL,
	"tenant_id" uuid NOT NULL,
	"template_slug" text NOT NULL,
	"slices" "bytea" NOT NULL,
	CONSTRAINT "compliance_score_slices_evaluation_id_template_slug_pk" PRIMARY KEY("evaluation_id","template_slug")
);
--> statement-breakpoint
CREATE TABLE "compliance_scores" (
	"evaluation_id" integer NOT NULL,
	"tenant_id" uuid NOT NULL,
	"template_slug" text NOT NULL,
	"requirement_id" text NOT NULL,
	"status" text NOT NULL,
	"score" double precision,
	"pass" integer NOT NULL,
	"fail" integer NOT NULL,
	"not_applicable" integer NOT NULL,
	"error" integer NOT NULL,
	"excepted" integer NOT NULL,
	CONSTRAINT "compliance_scores_evaluation_id_template_slug_requirement_id_pk" PRIMARY KEY("evaluation_id","template_slug","requirement_id")
);
--> statement-breakpoint
CREATE TABLE "compliance_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"slug" text NOT NULL,
	"revision" integer NOT NULL,
	"version" text NOT NULL,
	"name" text NOT NULL,
	"framework" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by_id" uuid,
	"created_by_email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_tenant_templates" (
	"tenant_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"added_by_email" text,
	CONSTRAINT "compliance_tenant_templates_tenant_id_slug_pk" PRIMARY KEY("tenant_id","slug")
);
--> statement-breakpoint
ALTER TABLE "compliance_evaluations" ADD CONSTRAINT "compliance_evaluations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_exceptions" ADD CONSTRAINT "compliance_exceptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_panel_history" ADD CONSTRAINT "compliance_panel_history_panel_id_compliance_panels_id_fk" FOREIGN KEY ("panel_id") REFERENCES "public"."compliance_panels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_panels" ADD CONSTRAINT "compliance_panels_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_runs" ADD CONSTRAINT "compliance_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_score_days" ADD CONSTRAINT "compliance_score_days_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_score_slices" ADD CONSTRAINT "compliance_score_slices_evaluation_id_compliance_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."compliance_evaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_scores" ADD CONSTRAINT "compliance_scores_evaluation_id_compliance_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."compliance_evaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_templates" ADD CONSTRAINT "compliance_templates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_tenant_templates" ADD CONSTRAINT "compliance_tenant_templates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compliance_evaluations_tenant_idx" ON "compliance_evaluations" USING btree ("tenant_id","evaluated_at");--> statement-breakpoint
CREATE INDEX "compliance_exceptions_tenant_idx" ON "compliance_exceptions" USING btree ("tenant_id","finding_key");--> statement-breakpoint
CREATE INDEX "compliance_panel_history_tenant_idx" ON "compliance_panel_history" USING btree ("tenant_id","evaluation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_panels_key" ON "compliance_panels" USING btree ("tenant_id","subject_type","account_id","region");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_runs_key" ON "compliance_runs" USING btree ("tenant_id","key_digest");--> statement-breakpoint
CREATE INDEX "compliance_score_slices_tenant_idx" ON "compliance_score_slices" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "compliance_scores_tenant_idx" ON "compliance_scores" USING btree ("tenant_id","evaluation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_templates_slug_revision_key" ON "compliance_templates" USING btree (coalesce("tenant_id", '00000000-0000-0000-0000-000000000000'::uuid),"slug","revision");--> statement-breakpoint
CREATE INDEX "compliance_templates_tenant_idx" ON "compliance_templates" USING btree ("tenant_id");--> statement-breakpoint
-- Panel blobs, deltas and score slices are deflated by the application: PostgreSQL need not try again.
ALTER TABLE "compliance_panels" ALTER COLUMN "state" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "compliance_panels" ALTER COLUMN "evidence" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "compliance_panel_history" ALTER COLUMN "delta" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "compliance_score_slices" ALTER COLUMN "slices" SET STORAGE EXTERNAL;
