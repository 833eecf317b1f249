import { describe, expect, it } from 'vitest';
import { counted, themOrIt } from '../counted.ts';

describe('counts in messages', () => {
  it('agree with their number', () => {
    expect(counted(1, 'machine')).toBe('1 machine');
    expect(counted(0, 'machine')).toBe('0 machines');
    expect(counted(3, 'account')).toBe('3 accounts');
    expect(counted(2, 'person', 'people')).toBe('2 people');
    expect(`delete ${themOrIt(1)}`).toBe('delete it');
    expect(`delete ${themOrIt(2)}`).toBe('delete them');
  });
});
