import { describe, expect, it } from 'vitest';
import { parseLabelFilter } from '../labels';

describe('the inventory label filter as typed', () => {
  it('reads comma-separated key=value pairs, spaces aside', () => {
    expect(parseLabelFilter(' env = prod, tier=web ,')).toEqual({
      labels: { env: 'prod', tier: 'web' },
      problem: null,
    });
    expect(parseLabelFilter('')).toEqual({ labels: {}, problem: null });
    expect(parseLabelFilter('owner=')).toEqual({ labels: { owner: '' }, problem: null });
  });

  it('says which part is not key=value', () => {
    expect(parseLabelFilter('env=prod, web')).toEqual({ labels: {}, problem: '"web" is not key=value.' });
    expect(parseLabelFilter('=prod').problem).toBe('"=prod" is not key=value.');
  });
});
