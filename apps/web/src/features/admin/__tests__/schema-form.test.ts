import { describe, expect, it } from 'vitest';
import { fieldsOf, humanise, problemsOf, valuesToJson } from '../schema-form';

const EC2 = {
  type: 'object',
  properties: {
    accessKeyId: { type: 'string', minLength: 1, maxLength: 128 },
    secretAccessKey: { type: 'string', minLength: 1 },
    region: { type: 'string', enum: ['eu-west-3', 'us-east-1'] },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    insecure: { type: 'boolean' },
  },
  required: ['accessKeyId', 'secretAccessKey'],
};

describe('forms from a credentials JSON Schema', () => {
  it('makes one field per property, hiding secrets and offering enums as choices', () => {
    expect(fieldsOf(EC2).map((f) => [f.name, f.kind, f.required])).toEqual([
      ['accessKeyId', 'text', true],
      ['secretAccessKey', 'secret', true],
      ['region', 'choice', false],
      ['port', 'integer', false],
      ['insecure', 'boolean', false],
    ]);
  });

  it.each([
    [{}, { accessKeyId: 'Access key id is required.', secretAccessKey: 'Secret access key is required.' }],
    [{ accessKeyId: 'a', secretAccessKey: 's', port: '70000' }, { port: 'Port must be at most 65535.' }],
    [{ accessKeyId: 'a', secretAccessKey: 's', port: '1.5' }, { port: 'Port must be a whole number.' }],
    [{ accessKeyId: 'a', secretAccessKey: 's' }, {}],
  ])('says what is wrong with %j', (values, expected) => {
    expect(problemsOf(fieldsOf(EC2), values)).toEqual(expected);
  });

  it('sends typed values and leaves empty optional fields out', () => {
    expect(
      valuesToJson(fieldsOf(EC2), {
        accessKeyId: ' a ',
        secretAccessKey: 's',
        port: '443',
        region: '',
        insecure: true,
      }),
    ).toEqual({ accessKeyId: 'a', secretAccessKey: 's', port: 443, insecure: true });
  });

  it('names fields for people', () => {
    expect(humanise('accessKeyId')).toBe('Access key id');
    expect(humanise('auth_url')).toBe('Auth url');
  });
});
