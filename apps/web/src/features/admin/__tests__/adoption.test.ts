import { describe, expect, it } from 'vitest';
import type { UnmanagedMachine } from '../../../graphql/machines';
import { machineNameProblem } from '../../wizard/validation';
import { adoptBlocker, suggestMachineName, withoutAdopted } from '../adoption';

describe('suggestMachineName', () => {
  it.each(['legacy-web', 'Legacy-DB', 'web1', '7', 'x'.repeat(63)])(
    'keeps the valid provider name %j',
    (name) => {
      expect(suggestMachineName(name)).toEqual({ name, reason: null });
    },
  );

  it('keeps a valid name with spaces around it, trimmed (as the API does)', () => {
    expect(suggestMachineName('  legacy-web ')).toEqual({ name: 'legacy-web', reason: null });
  });

  it('lower-cases and turns spaces into dashes, and says why', () => {
    const suggestion = suggestMachineName('Legacy Web');
    expect(suggestion.name).toBe('legacy-web');
    expect(suggestion.reason).toBe(
      '"Legacy Web" cannot be a machine name. Letters, digits and dashes only, neither starting nor ending with a dash. legacy-web is suggested instead.',
    );
  });

  it.each([
    ['web_1.example.com', 'web-1-example-com'],
    ['-db-', 'db'],
    ['DB  (old)', 'db-old'],
    ['Café Crème', 'cafe-creme'],
    ['a--b!', 'a-b'],
    ['i-0abc/def', 'i-0abc-def'],
  ])('makes a valid name of %j: %j', (given, expected) => {
    const suggestion = suggestMachineName(given);
    expect(suggestion.name).toBe(expected);
    expect(suggestion.reason).toContain(`"${given}" cannot be a machine name.`);
    expect(machineNameProblem(suggestion.name)).toBeNull();
  });

  it('cuts a long name to 63 characters, without a dash at the end', () => {
    const long = `${'a'.repeat(62)} b${'c'.repeat(10)}`;
    const suggestion = suggestMachineName(long);
    expect(suggestion.name).toBe('a'.repeat(62));
    expect(suggestion.reason).toContain('A machine name can have at most 63 characters.');
    expect(suggestMachineName('x'.repeat(80)).name).toBe('x'.repeat(63));
  });

  it('falls back to a generic name when nothing usable is left', () => {
    expect(suggestMachineName('日本語').name).toBe('adopted-machine');
    expect(suggestMachineName('---').name).toBe('adopted-machine');
    expect(suggestMachineName('')).toEqual({
      name: 'adopted-machine',
      reason: 'The provider gives it no name: adopted-machine is suggested.',
    });
  });
});

describe('adoptBlocker', () => {
  it('lets writers adopt', () => {
    expect(adoptBlocker(true)).toBeNull();
  });

  it('tells a viewer why not', () => {
    expect(adoptBlocker(false)).toBe(
      'Your role in this project is viewer: you can see these machines, not adopt them.',
    );
  });
});

describe('withoutAdopted', () => {
  const machine = (ref: string, name: string): UnmanagedMachine => ({
    ref,
    name,
    state: 'STARTED',
    host: null,
    addresses: [],
    labels: {},
    location: { id: 'l1', name: 'Paris' },
    configuration: null,
    image: null,
  });

  it('drops the adopted machine, by reference, and keeps the others in order', () => {
    const list = [machine('a', 'legacy-db'), machine('b', 'legacy-web'), machine('c', 'legacy-web')];
    expect(withoutAdopted(list, 'b').map((m) => m.ref)).toEqual(['a', 'c']);
    expect(withoutAdopted(list, 'zzz')).toHaveLength(3);
  });
});
