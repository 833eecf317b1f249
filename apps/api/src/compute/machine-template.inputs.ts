import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';

/** What a template holds; the create and the update give all of it. */
@InputType('MachineTemplateFields')
class MachineTemplateFields {
  @Field(() => String, { description: 'Unique in the project, any case; at most 64 characters.' })
  name!: string;
  @Field(() => String, { nullable: true })
  description?: string | null;
  @Field(() => ID)
  accountId!: string;
  @Field(() => ID)
  locationId!: string;
  @Field(() => ID)
  imageId!: string;
  @Field(() => ID)
  configurationId!: string;
  @Field(() => ID, { nullable: true })
  placementGroupId?: string | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Labels every machine made from it gets.' })
  labels?: Record<string, string> | null;
  @Field(() => String, { nullable: true, description: 'Cloud-init or similar, at most 64 KiB.' })
  userData?: string | null;
}

@InputType()
export class CreateMachineTemplateInput extends MachineTemplateFields {
  @Field(() => ID)
  projectId!: string;
}

@InputType({ description: 'Replaces the whole template (every field is given again).' })
export class UpdateMachineTemplateInput extends MachineTemplateFields {
  @Field(() => ID)
  templateId!: string;
}

@InputType()
export class DeleteMachineTemplateInput {
  @Field(() => ID)
  templateId!: string;
}

@InputType()
export class CreateMachinesFromTemplateInput {
  @Field(() => ID)
  templateId!: string;
  @Field(() => String, {
    description:
      'With count 1 the machine is named exactly this; with more, -1, -2… is added, as createMachines does.',
  })
  name!: string;
  @Field(() => Int, { nullable: true, defaultValue: 1, description: 'How many, 1 to 50.' })
  count?: number | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "Added to the template's labels, over those of the same key.",
  })
  labels?: Record<string, string> | null;
  @Field(() => ID, { nullable: true, description: 'Platform admins only: the host to use.' })
  hostId?: string | null;
}
