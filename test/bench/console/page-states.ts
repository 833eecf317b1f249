import type { BrowserContext } from '../../../apps/web/testing/chromium.ts';
import { waitFor } from '../measure.ts';

/** A machine's state as the page showed it. */
export interface Shown {
  /** The `data-machine` of the row or chip. */
  readonly machine: string;
  /** Its `data-state` at that moment. */
  readonly state: string;
  /** When the DOM changed, on the page's clock (`performance.timeOrigin + performance.now()`). */
  readonly at: number;
  /** 'added': the element appeared with this state; 'changed': its state changed in place. */
  readonly how: 'added' | 'changed';
}

export interface ShownLog {
  readonly shown: readonly Shown[];
  /** The first sighting from index `from` on that matches, waiting for it up to `timeoutMs`. */
  next(from: number, match: (shown: Shown) => boolean, what: string, timeoutMs?: number): Promise<Shown>;
}

const BINDING = 'levanteBenchShown';

/**
 * Runs in every document of the context before its own scripts. A MutationObserver on the whole
 * document reports each element with a `data-state` inside (or being) a `data-machine` element, the
 * badge of an inventory row or a chip of the placement map, when it appears or its state changes.
 * Observers run as microtasks right after the DOM change, so the time taken there is when React
 * committed the change (painting follows within a frame). Only machines whose name starts with the
 * given prefix are reported: the placement map holds thousands of other chips.
 */
function observerScript(prefix: string): string {
  return `(() => {
  const prefix = ${JSON.stringify(prefix)};
  const report = (element, how, at) => {
    const machine = element.closest('[data-machine]');
    const name = machine && machine.getAttribute('data-machine');
    if (!name || !name.startsWith(prefix)) return;
    window.${BINDING}(name, element.getAttribute('data-state'), at, how);
  };
  const observer = new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const record of records) {
      if (record.type === 'attributes') {
        report(record.target, 'changed', at);
        continue;
      }
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches('[data-state]')) report(node, 'added', at);
        for (const element of node.querySelectorAll('[data-state]')) report(element, 'added', at);
      }
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})();`;
}

/** Records, from now on and in every page of `context`, what the pages show of the machines named `prefix…`. */
export async function followShownStates(context: BrowserContext, prefix: string): Promise<ShownLog> {
  const shown: Shown[] = [];
  await context.exposeFunction(BINDING, (machine: string, state: string, at: number, how: Shown['how']) => {
    shown.push({ machine, state, at, how });
  });
  await context.addInitScript({ content: observerScript(prefix) });
  return {
    shown,
    async next(from, match, what, timeoutMs = 20_000) {
      let found: Shown | undefined;
      await waitFor(
        () => {
          found = shown.slice(from).find(match);
          return found !== undefined;
        },
        what,
        timeoutMs,
      );
      return found!;
    },
  };
}
