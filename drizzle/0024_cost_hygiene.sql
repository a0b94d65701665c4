CREATE TABLE "backup_price_overrides" (
	"tenant_id" uuid NOT NULL,
	"resource_type" text NOT NULL,
	"tier" text NOT NULL,
	"usd_per_gb_month" numeric(12, 6) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "backup_price_overrides_tenant_id_resource_type_tier_pk" PRIMARY KEY("tenant_id","resource_type","tier"),
	CONSTRAINT "backup_price_overrides_price_check" CHECK ("backup_price_overrides"."usd_per_gb_month" >= 0)
);
--> statement-breakpoint
ALTER TABLE "backup_price_overrides" ADD CONSTRAINT "backup_price_overrides_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;