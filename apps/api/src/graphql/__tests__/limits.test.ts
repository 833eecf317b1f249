import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitRules, QUERY_LIMITS } from '../limits.ts';

// A schema with a cycle, as Levante's will have (machines on hosts in locations…),
// so that depth and cost can grow without bound.
const schema = buildSchema(`
  type Node { id: ID! name: String children(first: Int): [Node!]! parent: Node }
  type Query { root: Node! }
`);

const check = (query: string) =>
  validate(schema, parse(query), [...specifiedRules, ...limitRules]).map((e) => e.message);

const nested = (depth: number) =>
  `{ root { ${'children { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

describe('operation limits', () => {
  it('accepts an operation at the depth limit', () => {
    expect(check(nested(QUERY_LIMITS.maxDepth))).toEqual([]);
  });

  it('refuses a deeper operation, saying why', () => {
    expect(check(nested(QUERY_LIMITS.maxDepth + 2))).toEqual([
      `Query too deep: at most ${QUERY_LIMITS.maxDepth} levels of fields are allowed.`,
    ]);
  });

  it('refuses an operation whose cost is too high, though within the depth and alias limits', () => {
    const affordable = '{ root { children(first: 20) { children(first: 20) { id name } } } }';
    expect(check(affordable)).toEqual([]);
    const expensive =
      '{ root { children(first: 100) { children(first: 100) { children(first: 100) { id name } } } } }';
    expect(check(expensive)).toEqual([
      `Query too expensive: its estimated cost is above ${QUERY_LIMITS.maxCost}. Ask for less at once.`,
    ]);
  });

  it('refuses more aliases than allowed', () => {
    const query = `{ ${Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `r${i}: root { id }`).join(' ')} }`;
    expect(check(query)).toContain(
      `Too many aliases: at most ${QUERY_LIMITS.maxAliases} are allowed in one operation.`,
    );
  });
});
