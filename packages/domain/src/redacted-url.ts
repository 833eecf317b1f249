/**
 * A service URL (database, Redis) as it may be shown to people and logs: its
 * password replaced by `***`. `fallback` stands for a URL that does not parse.
 */
export function redactedUrl(url: string, fallback: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return fallback;
  }
}
