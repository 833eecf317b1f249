/** The machine's own Redis, which tests of the event bus run against (CI fails when it is unreachable). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
