import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ValidationRule } from 'graphql';

/** Bounds on what one operation may ask for, over HTTP and WebSocket alike. */
export const QUERY_LIMITS = { maxDepth: 10, maxCost: 5000, maxAliases: 15 } as const;
export const MAX_BODY_BYTES = 1024 * 1024;

export const limitRules: ValidationRule[] = [
  maxDepthRule({
    n: QUERY_LIMITS.maxDepth,
    errorMessage: `Query too deep: at most ${QUERY_LIMITS.maxDepth} levels are allowed.`,
    exposeLimits: true,
  }),
  costLimitRule({
    maxCost: QUERY_LIMITS.maxCost,
    errorMessage: `Query too expensive: its cost is above ${QUERY_LIMITS.maxCost}.`,
    exposeLimits: true,
  }),
  maxAliasesRule({
    n: QUERY_LIMITS.maxAliases,
    errorMessage: `Too many aliases: at most ${QUERY_LIMITS.maxAliases} are allowed.`,
    exposeLimits: true,
  }),
] as ValidationRule[];
