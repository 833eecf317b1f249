import { describe, expect, it } from 'vitest';
import { credentialsSchema, DEFAULT_IMAGE_NAME_PATTERNS, settingsSchema } from '../settings.ts';

describe('ec2 provider settings', () => {
  it('accepts {} as us-east-1 with the account and Amazon images', () => {
    expect(settingsSchema.parse({})).toEqual({
      regions: ['us-east-1'],
      imageOwners: ['self', 'amazon'],
      imageFilters: DEFAULT_IMAGE_NAME_PATTERNS,
      imageCacheTtlMs: 600_000,
      requestTimeoutMs: 30_000,
    });
  });

  it('gives each parse its own copy of the defaults', () => {
    settingsSchema.parse({}).regions.push('eu-west-1');
    expect(settingsSchema.parse({}).regions).toEqual(['us-east-1']);
  });

  it.each([
    ['no region', { regions: [] }],
    ['a region with a space', { regions: ['us east 1'] }],
    ['a region twice', { regions: ['eu-west-1', 'eu-west-1'] }],
    ['an unknown owner alias', { imageOwners: ['canonical'] }],
    ['an empty allow-list', { instanceTypes: [] }],
    ['a negative TTL', { imageCacheTtlMs: -1 }],
    ['a misspelt setting', { region: ['us-east-1'] }],
  ])('refuses %s', (_, settings) => {
    expect(settingsSchema.safeParse(settings).success).toBe(false);
  });

  it.each([
    ['an access key', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' }, true],
    ['temporary credentials', { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' }, true],
    ['no secret', { accessKeyId: 'AKIA1' }, false],
    ['an empty key id', { accessKeyId: '', secretAccessKey: 's' }, false],
    ['an extra field', { accessKeyId: 'AKIA1', secretAccessKey: 's', region: 'x' }, false],
  ])('credentials: %s → %s', (_, credentials, valid) => {
    expect(credentialsSchema.safeParse(credentials).success).toBe(valid);
  });
});
