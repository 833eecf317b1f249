ALTER TABLE "jobs" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
CREATE INDEX "jobs_finished_idx" ON "jobs" USING btree ("finished_at");