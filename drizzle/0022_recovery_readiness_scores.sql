CREATE TABLE "resilience_score_days" (
	"tenant_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text NOT NULL,
	"day" date NOT NULL,
	"evaluation_id" integer NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"score" double precision,
	"counts" jsonb NOT NULL,
	CONSTRAINT "resilience_score_days_tenant_id_scope_scope_id_day_pk" PRIMARY KEY("tenant_id","scope","scope_id","day")
);
--> statement-breakpoint
ALTER TABLE "resilience_score_days" ADD CONSTRAINT "resilience_score_days_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resilience_score_days_tenant_day_idx" ON "resilience_score_days" USING btree ("tenant_id","day");--> statement-breakpoint
CREATE INDEX "recovery_points_resource_idx" ON "recovery_points" USING btree ("tenant_id","resource_arn");--> statement-breakpoint
CREATE INDEX "restore_jobs_validated_idx" ON "restore_jobs" USING btree ("tenant_id","source_resource_arn","creation_date") WHERE validation_status is not null;