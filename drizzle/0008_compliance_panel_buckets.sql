DROP INDEX "compliance_panels_key";--> statement-breakpoint
ALTER TABLE "compliance_panels" ADD COLUMN "bucket" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_panels_bucket_key" ON "compliance_panels" USING btree ("tenant_id","subject_type","account_id","region","bucket");