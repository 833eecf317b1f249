import type { LibvirtSettings } from '../../settings.ts';

/** The namespace of Levante's element in a domain's <metadata>. */
export const LEVANTE_XMLNS = 'urn:levante:machine:1';

/** What Levante keeps in a domain's metadata, so that inventory can tell its machines apart. */
export interface LevanteMetadata {
  readonly managedId: string | null;
  readonly location: string;
  readonly host: string;
  readonly hypervisor: string;
  readonly image: string;
  readonly configuration: string;
}

export interface DomainXmlInput {
  readonly type: LibvirtSettings['domainType'];
  /** The domain's name: the machine's ref. */
  readonly ref: string;
  /** The machine's name for people, as the domain's title. */
  readonly title: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly boot: {
    readonly kernel: string | null;
    readonly initrd: string | null;
    readonly cmdline: string;
    readonly disk: string | null;
  } | null;
  readonly metadata: LevanteMetadata;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
};
export const escapeXml = (text: string) => text.replace(/[&<>'"]/g, (c) => ENTITIES[c] ?? c);
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|apos|quot);/g, (entity) => {
    const found = Object.entries(ENTITIES).find(([, escaped]) => escaped === entity);
    return found ? found[0] : entity;
  });

const METADATA_FIELDS: readonly [keyof LevanteMetadata, string][] = [
  ['managedId', 'managed-id'],
  ['location', 'location'],
  ['host', 'host'],
  ['hypervisor', 'hypervisor'],
  ['image', 'image'],
  ['configuration', 'configuration'],
];

/**
 * The domain's XML. Kernel and initrd boot directly when the image has them;
 * an image's disk is attached as a transient disk (its writes go to an
 * overlay libvirt drops when the domain stops), so the image is never written.
 */
export function domainXml(input: DomainXmlInput): string {
  const text = (tag: string, value: string) => `<${tag}>${escapeXml(value)}</${tag}>`;
  const metadata = METADATA_FIELDS.map(([key, tag]) => {
    const value = input.metadata[key];
    return value === null ? '' : text(`levante:${tag}`, value);
  }).join('');
  const boot = input.boot;
  const os = [
    "<type arch='x86_64'>hvm</type>",
    boot?.kernel ? text('kernel', boot.kernel) : '',
    boot?.kernel && boot.initrd ? text('initrd', boot.initrd) : '',
    boot?.kernel ? text('cmdline', boot.cmdline) : '',
  ].join('');
  const disk = boot?.disk
    ? `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${escapeXml(boot.disk)}'/><target dev='vda' bus='virtio'/><transient/></disk>`
    : '';
  return [
    `<domain type='${input.type}'>`,
    text('name', input.ref),
    text('title', input.title),
    `<metadata><levante:machine xmlns:levante='${LEVANTE_XMLNS}'>${metadata}</levante:machine></metadata>`,
    `<memory unit='MiB'>${input.memoryMiB}</memory>`,
    `<vcpu>${input.vcpus}</vcpu>`,
    `<os>${os}</os>`,
    '<features><acpi/><apic/></features>',
    '<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>',
    `<devices>${disk}<serial type='pty'/><console type='pty'/></devices>`,
    '</domain>',
  ].join('\n');
}

export interface ParsedDomain {
  readonly type: string | null;
  readonly title: string | null;
  /** Levante's metadata, or null for a domain made outside Levante. */
  readonly metadata: Partial<Record<keyof LevanteMetadata, string>> | null;
}

/** What Levante reads back from `virsh dumpxml`. */
export function parseDomainXml(xml: string): ParsedDomain {
  const type = /<domain\b[^>]*\btype=['"]([^'"]+)['"]/.exec(xml)?.[1] ?? null;
  const title = /<title>([^<]*)<\/title>/.exec(xml)?.[1];
  const element = /<(\w+):machine\b[^>]*urn:levante:machine:1[^>]*>([\s\S]*?)<\/\1:machine>/.exec(xml);
  let metadata: ParsedDomain['metadata'] = null;
  if (element) {
    const [, prefix, body = ''] = element;
    const found: Partial<Record<keyof LevanteMetadata, string>> = {};
    for (const [key, tag] of METADATA_FIELDS) {
      const value = new RegExp(`<${prefix}:${tag}>([^<]*)</${prefix}:${tag}>`).exec(body)?.[1];
      if (value !== undefined) found[key] = unescapeXml(value);
    }
    metadata = found;
  }
  return { type, title: title === undefined ? null : unescapeXml(title), metadata };
}
