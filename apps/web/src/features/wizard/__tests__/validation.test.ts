import { describe, expect, it } from 'vitest';
import type { MachineConfiguration, MachineImage } from '@/graphql/machines';
import { configurationProblem, countProblem, machineNames, requestOf } from '../validation';

const image: MachineImage = {
  id: 'i',
  name: 'Amazon Linux',
  os: 'linux',
  architecture: 'x86_64',
  minDiskGiB: 15,
  hypervisors: [],
  ref: 'ami-1',
};
const configuration = (diskGiB: number): MachineConfiguration => ({
  id: 'c',
  name: 't3.micro',
  ref: 't3.micro',
  vcpus: 2,
  memoryMiB: 1024,
  diskGiB,
});
const quota = (storageGiB: number) => ({
  limits: { machines: null, vcpus: null, memoryMiB: null, storageGiB },
  usage: { machines: 0, vcpus: 0, memoryMiB: 0, storageGiB: 0 },
});

describe('a configuration against an image', () => {
  it('refuses a disk smaller than the image needs', () => {
    expect(configurationProblem(configuration(10), image, null)).toBe('Amazon Linux needs a 15 GiB disk.');
  });

  it("takes the image's disk when the configuration has none of its own, and counts that against the quota", () => {
    expect(configurationProblem(configuration(0), image, null)).toBeNull();
    expect(requestOf(configuration(0), image).storageGiB).toBe(15);
    expect(requestOf(configuration(40), image).storageGiB).toBe(40);
    expect(configurationProblem(configuration(0), image, quota(10))).toBe(
      "Exceeds the project's storage quota.",
    );
    expect(configurationProblem(configuration(0), image, quota(15))).toBeNull();
  });
});

describe('several machines in one request', () => {
  it('counts every machine against the quota', () => {
    expect(configurationProblem(configuration(0), image, quota(45), 3)).toBeNull();
    expect(configurationProblem(configuration(0), image, quota(44), 3)).toBe(
      "Exceeds the project's storage quota.",
    );
  });

  it('names them after the one name, and keeps a lone machine its name', () => {
    expect(machineNames(' web ', 1)).toEqual(['web']);
    expect(machineNames('web', 3)).toEqual(['web-1', 'web-2', 'web-3']);
  });

  it('takes a whole number from 1 to 50', () => {
    expect(countProblem('1')).toBeNull();
    expect(countProblem('50')).toBeNull();
    for (const bad of ['0', '51', '2.5', '', 'many'])
      expect(countProblem(bad)).toBe('A whole number from 1 to 50.');
  });
});
