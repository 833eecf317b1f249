import type { UnmanagedMachine } from '@/graphql/machines';
import { machineNameProblem } from '../wizard/validation';

/** The longest machine name the engine accepts (a DNS label). */
export const MACHINE_NAME_MAX = 63;

export interface NameSuggestion {
  /** What the adoption dialog starts with. */
  readonly name: string;
  /** Why it is not the provider's own name, or null when it is. */
  readonly reason: string | null;
}

/**
 * The name the adoption dialog proposes: the provider's own name when it is a valid machine name
 * (as the API would take it), else one made from it — lower case, accents dropped, every run of
 * other characters a single dash, no dash at either end, at most 63 characters.
 */
export function suggestMachineName(providerName: string): NameSuggestion {
  const trimmed = providerName.trim();
  const problem = machineNameProblem(trimmed);
  if (problem === null) return { name: trimmed, reason: null };
  const sanitized = trimmed
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MACHINE_NAME_MAX)
    .replace(/-+$/, '');
  const name = sanitized || 'adopted-machine';
  const reason =
    trimmed.length === 0
      ? `The provider gives it no name: ${name} is suggested.`
      : `"${trimmed}" cannot be a machine name. ${problem} ${name} is suggested instead.`;
  return { name, reason };
}

/** Why the caller cannot adopt machines into the project, or null when they can. */
export function adoptBlocker(canWrite: boolean): string | null {
  return canWrite ? null : 'Your role in this project is viewer: you can see these machines, not adopt them.';
}

/** The list once a machine was adopted: the adopted one leaves it. */
export function withoutAdopted(
  machines: readonly UnmanagedMachine[],
  adoptedRef: string,
): UnmanagedMachine[] {
  return machines.filter((m) => m.ref !== adoptedRef);
}
