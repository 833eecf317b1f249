// Relative, not '@/': the repository's vitest runs this file without Next's path aliases.
import type { MachineTemplate, MachineTemplateInput } from '../../graphql/templates';
import { type LabelRow, type Labels, labelRows } from '../../lib/labels';

/** The API's rule for template names (unique in the project, whatever their case). */
export const MAX_TEMPLATE_NAME = 64;

/** What the create wizard holds that a template fills in; '' is "not chosen" (no group for the group). */
export interface WizardChoices {
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
  readonly placementGroupId: string;
  readonly labels: LabelRow[];
  readonly userData: string;
}

type TemplateParts = Pick<
  MachineTemplate,
  | 'accountId'
  | 'location'
  | 'image'
  | 'configuration'
  | 'placementGroupId'
  | 'labels'
  | 'userData'
  | 'problem'
>;

/**
 * The wizard's choices from a template. A part that is gone stays to be chosen (''), so that the
 * wizard can mend the template: `firstStepToChoose` says where to start.
 */
export function choicesFromTemplate(template: TemplateParts): WizardChoices {
  return {
    accountId: template.accountId ?? '',
    locationId: template.location?.id ?? '',
    imageId: template.image?.id ?? '',
    configurationId: template.configuration?.id ?? '',
    placementGroupId: template.placementGroupId ?? '',
    labels: labelRows(template.labels),
    userData: template.userData ?? '',
  };
}

/** The wizard's step (0: account … 4: name) from which something is left to choose. */
export function firstStepToChoose(choices: WizardChoices): number {
  const chosen = [choices.accountId, choices.locationId, choices.imageId, choices.configurationId];
  const missing = chosen.indexOf('');
  return missing === -1 ? chosen.length : missing;
}

/** The text of a template in the wizard's picker: its name, and its problem when it has one. */
export function templateOptionLabel(template: Pick<MachineTemplate, 'name'> & TemplateParts): string {
  return template.problem ? `${template.name} — ${template.problem}` : template.name;
}

/** The API's rule, repeated here to say it while the name is typed. */
export function templateNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'Give the template a name.';
  if (trimmed.length > MAX_TEMPLATE_NAME)
    return `A template name can have at most ${MAX_TEMPLATE_NAME} characters.`;
  return null;
}

/** The wizard's current choices, as they are saved in a template. */
export interface SavedChoices {
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
  readonly placementGroupId: string;
  readonly labels: Labels;
  readonly userData: string;
}

/** createMachineTemplate's input: empty description, group and user data are left out (null). */
export function templateInput(
  choices: SavedChoices,
  name: string,
  description: string,
): MachineTemplateInput {
  return {
    name: name.trim(),
    description: description.trim() || null,
    accountId: choices.accountId,
    locationId: choices.locationId,
    imageId: choices.imageId,
    configurationId: choices.configurationId,
    placementGroupId: choices.placementGroupId || null,
    labels: choices.labels,
    userData: choices.userData.trim() ? choices.userData : null,
  };
}

/** What a machine is made of, as a template keeps it; null when a part is gone (its image, say). */
export function choicesFromMachine(machine: {
  readonly accountId: string | null;
  readonly location: { readonly id: string };
  readonly imageId: string | null;
  readonly configurationId: string | null;
  readonly placementGroupId: string | null;
  readonly labels: Labels;
}): SavedChoices | null {
  if (!machine.accountId || !machine.imageId || !machine.configurationId) return null;
  return {
    accountId: machine.accountId,
    locationId: machine.location.id,
    imageId: machine.imageId,
    configurationId: machine.configurationId,
    placementGroupId: machine.placementGroupId ?? '',
    labels: machine.labels,
    // Levante does not keep a machine's user data once its provider has it.
    userData: '',
  };
}
