import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/** Bounds on what one operation may ask for, over HTTP and WebSocket alike. */
export const QUERY_LIMITS = { maxDepth: 10, maxCost: 20_000, maxAliases: 15 } as const;
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * graphql-armor throws its errors (prefixed "Syntax Error") by default; we report
 * them as ordinary validation errors instead, with a message of our own.
 */
const reportAs = (message: string) => ({
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null) => context?.reportError(new GraphQLError(message))],
});

export const limitRules: ValidationRule[] = [
  maxDepthRule({
    n: QUERY_LIMITS.maxDepth,
    ...reportAs(`Query too deep: at most ${QUERY_LIMITS.maxDepth} levels of fields are allowed.`),
  }),
  costLimitRule({
    maxCost: QUERY_LIMITS.maxCost,
    ...reportAs(
      `Query too expensive: its estimated cost is above ${QUERY_LIMITS.maxCost}. Ask for less at once.`,
    ),
  }),
  maxAliasesRule({
    n: QUERY_LIMITS.maxAliases,
    ...reportAs(`Too many aliases: at most ${QUERY_LIMITS.maxAliases} are allowed in one operation.`),
  }),
] as ValidationRule[];
