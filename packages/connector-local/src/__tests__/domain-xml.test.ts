import { describe, expect, it } from 'vitest';
import { domainXml, parseDomainXml } from '../drivers/libvirt/domain-xml.ts';
import { virshErrorKind } from '../drivers/libvirt/virsh.ts';

const input = {
  type: 'kvm',
  ref: 'vm-1',
  title: 'web <&> "prod"',
  vcpus: 2,
  memoryMiB: 512,
  boot: { kernel: '/img/vmlinuz', initrd: '/img/initrd.gz', cmdline: 'console=ttyS0 a=<b>', disk: null },
  metadata: {
    managedId: 'm-1',
    location: 'paris',
    host: 'paris-a-1',
    hypervisor: 'kvm',
    image: 'tiny',
    configuration: 'small',
  },
} as const;

describe('domainXml', () => {
  it('names the domain after the ref, titles it, and boots the kernel', () => {
    const xml = domainXml(input);
    expect(xml).toContain("<domain type='kvm'>");
    expect(xml).toContain('<name>vm-1</name>');
    expect(xml).toContain('<title>web &lt;&amp;&gt; &quot;prod&quot;</title>');
    expect(xml).toContain("<memory unit='MiB'>512</memory>");
    expect(xml).toContain('<kernel>/img/vmlinuz</kernel><initrd>/img/initrd.gz</initrd>');
    expect(xml).toContain('<cmdline>console=ttyS0 a=&lt;b&gt;</cmdline>');
    expect(xml).not.toContain('<disk');
  });

  it('attaches an image disk as transient, so the image is never written', () => {
    const xml = domainXml({ ...input, boot: { ...input.boot, kernel: null, disk: '/img/base.qcow2' } });
    expect(xml).toContain("<source file='/img/base.qcow2'/>");
    expect(xml).toContain('<transient/>');
    expect(xml).not.toContain('<kernel>');
  });

  it('reads back what it wrote', () => {
    expect(parseDomainXml(domainXml(input))).toEqual({
      type: 'kvm',
      title: 'web <&> "prod"',
      metadata: input.metadata,
    });
  });

  it('leaves out a null managed id (a domain made without Levante’s id)', () => {
    const parsed = parseDomainXml(domainXml({ ...input, metadata: { ...input.metadata, managedId: null } }));
    expect(parsed.metadata?.managedId).toBeUndefined();
  });
});

describe('parseDomainXml', () => {
  it('reads metadata whatever prefix libvirt kept', () => {
    const xml = `<domain type='test'><name>x</name><metadata><lv:machine xmlns:lv="urn:levante:machine:1"><lv:managed-id>m-2</lv:managed-id></lv:machine></metadata></domain>`;
    expect(parseDomainXml(xml)).toEqual({ type: 'test', title: null, metadata: { managedId: 'm-2' } });
  });

  it('says there is no Levante metadata for a domain made by hand', () => {
    const xml = "<domain type='test'><name>test</name><memory>1</memory></domain>";
    expect(parseDomainXml(xml)).toEqual({ type: 'test', title: null, metadata: null });
  });
});

describe('virshErrorKind', () => {
  it.each([
    ["error: failed to get domain 'nosuch'", 'NotFound'],
    ['error: Domain not found: no domain with matching name', 'NotFound'],
    ['error: failed to connect to the hypervisor', 'ProviderUnavailable'],
    ['error: Requested operation is not valid: domain is not running', 'InvalidRequest'],
    ['error: authentication failed: access denied', 'AuthError'],
    ['error: something new', 'ProviderUnavailable'],
  ])('%s → %s', (stderr, kind) => {
    expect(virshErrorKind(stderr)).toBe(kind);
  });
});
