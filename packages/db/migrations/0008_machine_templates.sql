CREATE TABLE "machine_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"account_id" uuid,
	"location_id" uuid,
	"image_id" uuid,
	"configuration_id" uuid,
	"placement_group_id" uuid,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"user_data" text,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "machine_templates" ADD CONSTRAINT "machine_templates_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_templates" ADD CONSTRAINT "machine_templates_account_id_provider_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."provider_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_templates" ADD CONSTRAINT "machine_templates_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_templates" ADD CONSTRAINT "machine_templates_image_id_machine_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."machine_images"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_templates" ADD CONSTRAINT "machine_templates_configuration_id_machine_configurations_id_fk" FOREIGN KEY ("configuration_id") REFERENCES "public"."machine_configurations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_templates" ADD CONSTRAINT "machine_templates_placement_group_id_placement_groups_id_fk" FOREIGN KEY ("placement_group_id") REFERENCES "public"."placement_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "machine_templates" ADD CONSTRAINT "machine_templates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "machine_templates_project_name_key" ON "machine_templates" USING btree ("project_id",lower("name"));