import { describe, expect, it } from 'vitest';
import { formatCount } from '../format';

describe('formatCount', () => {
  it('says one thing in the singular and any other number in the plural', () => {
    expect(formatCount(1, 'machine')).toBe('1 machine');
    expect(formatCount(0, 'machine')).toBe('0 machines');
    expect(formatCount(4, 'host')).toBe('4 hosts');
  });

  it('groups thousands, and takes a plural that is not an added s', () => {
    expect(formatCount(10_000, 'host')).toBe('10,000 hosts');
    expect(formatCount(2, 'quota', 'quotas')).toBe('2 quotas');
    expect(formatCount(3, 'person', 'people')).toBe('3 people');
  });
});
