CREATE TABLE "managed_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"aws_policy_id" text,
	"aws_policy_arn" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by_id" uuid,
	"created_by_email" text
);
--> statement-breakpoint
CREATE TABLE "policy_approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"approver_id" uuid NOT NULL,
	"approver_email" text NOT NULL,
	"decision" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_push_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"push_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"operation" text NOT NULL,
	"target" text,
	"request_id" text,
	"outcome" text NOT NULL,
	"detail" text,
	"error_code" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_pushes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"started_by_id" uuid,
	"started_by_email" text NOT NULL,
	"error_code" text,
	"error_reason" text,
	"error_message" text,
	"error_request_id" text
);
--> statement-breakpoint
CREATE TABLE "policy_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"required_approvals" smallint DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by_email" text,
	CONSTRAINT "policy_settings_required_approvals_check" CHECK ("policy_settings"."required_approvals" in (1, 2))
);
--> statement-breakpoint
CREATE TABLE "policy_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"content" text NOT NULL,
	"targets" text[] NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"source_version" integer,
	"author_id" uuid,
	"author_email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"pushed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "managed_policies" ADD CONSTRAINT "managed_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_approvals" ADD CONSTRAINT "policy_approvals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_approvals" ADD CONSTRAINT "policy_approvals_version_id_policy_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."policy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_push_steps" ADD CONSTRAINT "policy_push_steps_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_push_steps" ADD CONSTRAINT "policy_push_steps_push_id_policy_pushes_id_fk" FOREIGN KEY ("push_id") REFERENCES "public"."policy_pushes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_pushes" ADD CONSTRAINT "policy_pushes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_pushes" ADD CONSTRAINT "policy_pushes_policy_id_managed_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."managed_policies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_pushes" ADD CONSTRAINT "policy_pushes_version_id_policy_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."policy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_settings" ADD CONSTRAINT "policy_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_policy_id_managed_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."managed_policies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "managed_policies_tenant_name_key" ON "managed_policies" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "managed_policies_tenant_aws_id_key" ON "managed_policies" USING btree ("tenant_id","aws_policy_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_approvals_version_approver_key" ON "policy_approvals" USING btree ("version_id","approver_id");--> statement-breakpoint
CREATE INDEX "policy_approvals_tenant_idx" ON "policy_approvals" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_push_steps_push_seq_key" ON "policy_push_steps" USING btree ("push_id","seq");--> statement-breakpoint
CREATE INDEX "policy_push_steps_tenant_idx" ON "policy_push_steps" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "policy_pushes_tenant_idx" ON "policy_pushes" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE INDEX "policy_pushes_version_idx" ON "policy_pushes" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_policy_version_key" ON "policy_versions" USING btree ("policy_id","version");--> statement-breakpoint
CREATE INDEX "policy_versions_tenant_idx" ON "policy_versions" USING btree ("tenant_id","state");