CREATE TABLE "unread_account_acks" (
	"tenant_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"reason" text NOT NULL,
	"acknowledged_at" timestamp with time zone NOT NULL,
	"acknowledged_by_id" uuid,
	"acknowledged_by_email" text,
	CONSTRAINT "unread_account_acks_tenant_id_account_id_pk" PRIMARY KEY("tenant_id","account_id")
);
--> statement-breakpoint
ALTER TABLE "unread_account_acks" ADD CONSTRAINT "unread_account_acks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;