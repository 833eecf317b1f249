ALTER TABLE "machines" DROP CONSTRAINT "machines_account_id_provider_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "machines" ALTER COLUMN "account_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "machines" ADD CONSTRAINT "machines_account_id_provider_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."provider_accounts"("id") ON DELETE set null ON UPDATE no action;