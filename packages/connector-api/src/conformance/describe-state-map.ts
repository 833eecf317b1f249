import { MACHINE_STATES, type MachineState } from '@levante/domain';
import { describe, expect, it } from 'vitest';

/** Native states no provider uses, some of them names every plain object inherits. */
const UNKNOWN_NATIVE_STATES = ['levante-unknown-native-state', '', 'constructor', 'toString', '__proto__'];

/**
 * Tests a connector's STATE_MAP row by row through its mapping function, and
 * the explicit fallback for a native state the table does not know (STYLE rule 3).
 */
export function describeStateMap(
  name: string,
  map: Readonly<Record<string, MachineState>>,
  mapFn: (native: string) => MachineState,
  fallback: MachineState,
): void {
  describe(`${name} state map`, () => {
    const rows = Object.entries(map);

    it('has rows, and maps only to CIMI states', () => {
      expect(rows.length).toBeGreaterThan(0);
      for (const [, state] of rows) expect(MACHINE_STATES).toContain(state);
      expect(MACHINE_STATES).toContain(fallback);
    });

    it.each(rows)('maps %s to %s', (native, state) => {
      expect(mapFn(native)).toBe(state);
    });

    it.each(UNKNOWN_NATIVE_STATES.filter((native) => !Object.hasOwn(map, native)))(
      `maps the unknown native state "%s" to the fallback ${fallback}`,
      (native) => {
        expect(mapFn(native)).toBe(fallback);
      },
    );
  });
}
