import { describe, expect, it } from 'vitest';
import type { MachineTemplate } from '../../../graphql/templates';
import {
  choicesFromMachine,
  choicesFromTemplate,
  firstStepToChoose,
  templateInput,
  templateNameProblem,
  templateOptionLabel,
} from '../template-choices';

const template: MachineTemplate = {
  id: 't1',
  projectId: 'p1',
  name: 'web',
  description: null,
  accountId: 'a1',
  accountName: 'local',
  provider: { id: 'pr1', name: 'Levante local', kind: 'local' },
  location: { id: 'l1', ref: 'paris', name: 'Paris' },
  image: {
    id: 'i1',
    name: 'Alpine 3.20',
    os: 'linux',
    architecture: 'x86_64',
    minDiskGiB: 1,
    hypervisors: [],
    ref: 'alpine-3.20',
  },
  configuration: { id: 'c1', ref: 'small', name: 'Small', vcpus: 1, memoryMiB: 1024, diskGiB: 10 },
  placementGroupId: 'g1',
  placementGroupName: 'web-spread',
  labels: { tier: 'web', env: 'prod' },
  hasUserData: true,
  userData: '#cloud-config',
  problem: null,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
};

describe('a template in the wizard', () => {
  it('fills in every choice, its labels as rows sorted by key', () => {
    expect(choicesFromTemplate(template)).toEqual({
      accountId: 'a1',
      locationId: 'l1',
      imageId: 'i1',
      configurationId: 'c1',
      placementGroupId: 'g1',
      labels: [
        { id: 0, key: 'env', value: 'prod' },
        { id: 1, key: 'tier', value: 'web' },
      ],
      userData: '#cloud-config',
    });
  });

  it('leaves the group, labels and user data empty when the template has none', () => {
    const bare = { ...template, placementGroupId: null, labels: {}, userData: null };
    expect(choicesFromTemplate(bare)).toMatchObject({ placementGroupId: '', labels: [], userData: '' });
  });

  it('fills in what is left of a template that cannot create machines, says why, and where to choose', () => {
    const gone = { ...template, image: null, problem: 'Image Alpine 3.20 is no longer offered.' };
    const choices = choicesFromTemplate(gone);
    expect(choices).toMatchObject({ accountId: 'a1', locationId: 'l1', imageId: '', configurationId: 'c1' });
    expect(firstStepToChoose(choices)).toBe(2);
    expect(firstStepToChoose(choicesFromTemplate(template))).toBe(4);
    expect(firstStepToChoose(choicesFromTemplate({ ...template, accountId: null }))).toBe(0);
    expect(templateOptionLabel(gone)).toBe('web — Image Alpine 3.20 is no longer offered.');
    expect(templateOptionLabel(template)).toBe('web');
  });
});

describe('saving the wizard as a template', () => {
  const choices = {
    accountId: 'a1',
    locationId: 'l1',
    imageId: 'i1',
    configurationId: 'c1',
    placementGroupId: '',
    labels: { tier: 'web' },
    userData: '  ',
  };

  it('sends the choices, trimmed, with nothing for an empty group, description or user data', () => {
    expect(templateInput(choices, '  web-template ', ' ')).toEqual({
      name: 'web-template',
      description: null,
      accountId: 'a1',
      locationId: 'l1',
      imageId: 'i1',
      configurationId: 'c1',
      placementGroupId: null,
      labels: { tier: 'web' },
      userData: null,
    });
    expect(
      templateInput(
        { ...choices, placementGroupId: 'g1', userData: '#cloud-config\n' },
        'web',
        ' For the web. ',
      ),
    ).toMatchObject({ description: 'For the web.', placementGroupId: 'g1', userData: '#cloud-config\n' });
  });

  it('asks for a name of 1 to 64 characters', () => {
    expect(templateNameProblem(' ')).toBe('Give the template a name.');
    expect(templateNameProblem('a'.repeat(65))).toBe('A template name can have at most 64 characters.');
    expect(templateNameProblem('a'.repeat(64))).toBeNull();
    expect(templateNameProblem('Web template')).toBeNull();
  });
});

describe('a machine saved as a template', () => {
  const machine = {
    accountId: 'a1',
    location: { id: 'l1' },
    imageId: 'i1',
    configurationId: 'c1',
    placementGroupId: null,
    labels: { tier: 'web' },
  };

  it('keeps its account, location, image, configuration and labels, without user data', () => {
    expect(choicesFromMachine(machine)).toEqual({
      accountId: 'a1',
      locationId: 'l1',
      imageId: 'i1',
      configurationId: 'c1',
      placementGroupId: '',
      labels: { tier: 'web' },
      userData: '',
    });
  });

  it('cannot be saved once a part of it is gone', () => {
    expect(choicesFromMachine({ ...machine, imageId: null })).toBeNull();
    expect(choicesFromMachine({ ...machine, accountId: null })).toBeNull();
  });
});
