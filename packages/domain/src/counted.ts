/** "1 machine", "3 machines": what people read in messages and summaries. */
export function counted(n: number, one: string, plural = `${one}s`): string {
  return `${n} ${n === 1 ? one : plural}`;
}

/** "it" or "them", as many as `n`. */
export const themOrIt = (n: number): string => (n === 1 ? 'it' : 'them');
