import { describe, expect, it } from 'vitest';
import { labelsFromTags } from '../labels.ts';

describe("a provider's tags as labels", () => {
  it('keeps the tags whose key and value fit, by key, at most 32', () => {
    expect(labelsFromTags({ env: 'prod', '': 'x', long: 'v'.repeat(64), ['k'.repeat(64)]: 'v' })).toEqual({
      env: 'prod',
    });
    const many = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'v']),
    );
    const kept = labelsFromTags(many);
    expect(Object.keys(kept)).toHaveLength(32);
    expect(Object.keys(kept).at(-1)).toBe('k31');
    expect(labelsFromTags(undefined)).toEqual({});
  });
});
