import { describe, expect, it } from 'vitest';
import { type LabelRow, labelRows, labelsFromRows, labelTags, nextLabelRow } from '../../../lib/labels';
import {
  checkRatios,
  describeChanges,
  draftOf,
  formatRatio,
  hostEdit,
  parseRatio,
  sameRatio,
} from '../host-settings';

const rows = (...pairs: [string, string][]): LabelRow[] =>
  pairs.map(([key, value], id) => ({ id, key, value }));

const HOST = {
  cpuAllocationRatio: 4,
  ramAllocationRatio: 1.5,
  diskAllocationRatio: 1,
  labels: { zone: 'a', rack: 'r0' },
};

describe('allocation ratios as typed', () => {
  it.each([
    ['', null, null],
    ['  ', null, null],
    ['1.5', 1.5, null],
    [' 64 ', 64, null],
    ['0.1', 0.1, null],
    ['0', null, 'An allocation ratio is at least 0.1.'],
    ['-2', null, 'An allocation ratio is at least 0.1.'],
    ['64.5', null, 'An allocation ratio is at most 64.'],
    ['two', null, 'A number, e.g. 1.5.'],
  ])('%j → %j, %j', (text, value, problem) => {
    expect(parseRatio(text)).toEqual({ value, problem });
  });

  it('leaves an empty ratio to the server when registering, and asks for it when editing', () => {
    const texts = { cpuAllocationRatio: '8', ramAllocationRatio: '', diskAllocationRatio: '0' };
    expect(checkRatios(texts, false)).toEqual({
      values: { cpuAllocationRatio: 8 },
      problems: { diskAllocationRatio: 'An allocation ratio is at least 0.1.' },
    });
    expect(checkRatios(texts, true).problems).toEqual({
      ramAllocationRatio: 'Give a ratio from 0.1 to 64.',
      diskAllocationRatio: 'An allocation ratio is at least 0.1.',
    });
  });

  it('shows a float4 read back as what was typed, and takes it as equal', () => {
    expect(formatRatio(1.100000023841858)).toBe('1.1');
    expect(formatRatio(1.2339999675750732)).toBe('1.234');
    expect(formatRatio(4)).toBe('4');
    expect(sameRatio(1.1, 1.100000023841858)).toBe(true);
    expect(sameRatio(1.231, 1.23)).toBe(false);
  });
});

describe('labels from the editor rows', () => {
  it('trims, ignores empty rows and keeps the rest', () => {
    expect(labelsFromRows(rows(['rack', ' r1 '], ['', ''], [' zone ', 'a'], ['gpu', '']))).toEqual({
      labels: { rack: 'r1', zone: 'a', gpu: '' },
      problems: {},
      overall: null,
    });
  });

  it('refuses a value without a key, a key used twice and keys or values too long', () => {
    const long = 'x'.repeat(64);
    const check = labelsFromRows(
      rows(['rack', 'r1'], ['', 'orphan'], ['rack ', 'r2'], [long, 'v'], ['ok', long], ['__proto__', 'p']),
    );
    // "__proto__" is a key like any other: an own property, not the object's prototype.
    expect(Object.entries(check.labels)).toEqual([
      ['rack', 'r1'],
      ['__proto__', 'p'],
    ]);
    expect(check.problems).toEqual({
      1: 'Give this label a key.',
      2: 'The key "rack" is already used above.',
      3: 'A key is at most 63 characters.',
      4: 'A value is at most 63 characters.',
    });
  });

  it('allows at most 32 labels', () => {
    const many = Array.from({ length: 33 }, (_, i): [string, string] => [`k${i}`, 'v']);
    expect(labelsFromRows(rows(...many)).overall).toBe('At most 32 labels.');
    expect(labelsFromRows(rows(...many.slice(0, 32))).overall).toBeNull();
  });

  it('makes sorted rows and tags from labels, and new rows with fresh ids', () => {
    expect(labelRows({ zone: 'a', rack: 'r0' })).toEqual([
      { id: 0, key: 'rack', value: 'r0' },
      { id: 1, key: 'zone', value: 'a' },
    ]);
    expect(labelTags({ zone: 'a', rack: 'r0' })).toEqual(['rack=r0', 'zone=a']);
    expect(
      nextLabelRow([
        { id: 0, key: 'a', value: '' },
        { id: 4, key: 'b', value: '' },
      ]),
    ).toEqual({
      id: 5,
      key: '',
      value: '',
    });
    expect(nextLabelRow([]).id).toBe(0);
  });
});

describe('editing a host', () => {
  it('sends nothing when nothing changed', () => {
    expect(hostEdit(HOST, draftOf(HOST))).toMatchObject({ changes: {}, valid: true });
    const stored = { ...HOST, ramAllocationRatio: 1.2339999675750732 };
    expect(hostEdit(stored, draftOf(stored))).toMatchObject({ changes: {}, valid: true });
  });

  it('sends only the ratios that changed, and the labels as a whole when they changed', () => {
    const draft = draftOf(HOST);
    const edit = hostEdit(HOST, {
      ratios: { ...draft.ratios, cpuAllocationRatio: '6', ramAllocationRatio: '1.50' },
      labels: [...draft.labels, { id: 9, key: 'gpu', value: 'yes' }],
    });
    expect(edit.valid).toBe(true);
    expect(edit.changes).toEqual({ cpuAllocationRatio: 6, labels: { rack: 'r0', zone: 'a', gpu: 'yes' } });
    expect(describeChanges(edit.changes)).toBe('CPU ratio 6, labels gpu=yes, rack=r0, zone=a');
  });

  it('removing every label sends an empty set', () => {
    const edit = hostEdit(HOST, { ...draftOf(HOST), labels: [] });
    expect(edit.changes).toEqual({ labels: {} });
    expect(describeChanges(edit.changes)).toBe('no labels');
  });

  it('is not valid with a bad ratio or a bad label row', () => {
    const draft = draftOf(HOST);
    const edit = hostEdit(HOST, {
      ratios: { ...draft.ratios, diskAllocationRatio: '-1' },
      labels: [...draft.labels, { id: 7, key: 'rack', value: 'r9' }],
    });
    expect(edit.valid).toBe(false);
    expect(edit.ratioProblems).toEqual({ diskAllocationRatio: 'An allocation ratio is at least 0.1.' });
    expect(edit.labels.problems).toEqual({ 7: 'The key "rack" is already used above.' });
  });
});
