const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** "1 machine", "2 machines": `plural` only where adding an s is wrong. */
export function formatCount(n: number, one: string, plural = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : plural}`;
}

export function formatMemory(mib: number): string {
  if (mib >= 1024 * 1024) return `${trim(mib / (1024 * 1024))} TiB`;
  if (mib >= 1024) return `${trim(mib / 1024)} GiB`;
  return `${mib} MiB`;
}

export function formatStorage(gib: number): string {
  return gib >= 1024 ? `${trim(gib / 1024)} TiB` : `${gib} GiB`;
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A configuration's or machine's size; a disk of 0 is the image's (EC2's EBS-only types). */
export function formatShape(m: { vcpus: number; memoryMiB: number; diskGiB: number }): string {
  const disk = m.diskGiB > 0 ? formatStorage(m.diskGiB) : "the image's disk";
  return `${m.vcpus} vCPU · ${formatMemory(m.memoryMiB)} · ${disk}`;
}

export function percent(used: number, total: number): number {
  if (total <= 0) return used > 0 ? 100 : 0;
  return Math.min(100, Math.max(0, (used / total) * 100));
}

/** A stable colour for a project, so its machines look alike on the map. */
export function projectColour(projectId: string): string {
  let hash = 0;
  for (let i = 0; i < projectId.length; i++) hash = (hash * 31 + projectId.charCodeAt(i)) | 0;
  return `hsl(${Math.abs(hash) % 360} 60% 45%)`;
}
