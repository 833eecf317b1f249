DROP INDEX "providers_name_key";--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "deleted_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "providers_name_key" ON "providers" USING btree (lower("name")) WHERE "providers"."deleted_at" is null;