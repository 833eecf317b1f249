import { ConnectorError, HYPERVISORS, type Hypervisor } from '@levante/connector-api';
import type { LocalSettings } from '../../settings.ts';
import type { DomainDefinition, DomainStatus, HostTarget, HypervisorDriver } from '../hypervisor-driver.ts';
import { domainXml, parseDomainXml } from './domain-xml.ts';
import { mapLibvirtState } from './libvirt-states.ts';
import { Virsh } from './virsh.ts';

const isHypervisor = (value: string | undefined): value is Hypervisor =>
  (HYPERVISORS as readonly string[]).includes(value ?? '');

/** `virsh dominfo`'s "Key: value" lines. */
function dominfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

const isNotFound = (error: unknown) => error instanceof ConnectorError && error.kind === 'NotFound';

/**
 * Domains of a libvirt connection, driven through `virsh -c <uri>`: each
 * machine is a persistent domain named after its ref, with Levante's ids in
 * its <metadata>. virsh does the work synchronously, except that a new
 * domain's start runs in the background (the machine shows CREATING
 * meanwhile) and a shutdown is forced with `destroy` if the guest has not
 * stopped in time. One URI serves every host: domains made outside Levante
 * are shown in the first location, on its first host.
 */
export class LibvirtDriver implements HypervisorDriver {
  readonly name = 'libvirt';
  #settings: LocalSettings;
  #virsh: Virsh;
  /** Creates under way, so that a repeated create waits for the first. */
  readonly #creating = new Map<string, Promise<DomainStatus>>();
  /** New domains whose `virsh start` is still running. */
  readonly #booting = new Set<string>();
  /** Why a new domain's first start failed. */
  readonly #failed = new Map<string, string>();
  /** Power-offs under way: the timer that destroys the domain if the guest does not stop. */
  readonly #stopping = new Map<string, NodeJS.Timeout>();

  private constructor(settings: LocalSettings) {
    this.#settings = settings;
    this.#virsh = LibvirtDriver.#virshFor(settings);
  }

  static async open(settings: LocalSettings): Promise<LibvirtDriver> {
    return new LibvirtDriver(settings);
  }

  static #virshFor(settings: LocalSettings): Virsh {
    const { virsh, uri, callTimeoutMs } = settings.libvirt;
    return new Virsh(virsh, uri, callTimeoutMs);
  }

  get hypervisors(): readonly Hypervisor[] {
    return this.#settings.libvirt.domainType === 'xen' ? ['xen'] : ['kvm'];
  }

  reconfigure(settings: LocalSettings): void {
    this.#settings = settings;
    this.#virsh = LibvirtDriver.#virshFor(settings);
  }

  boot(host: HostTarget, definition: DomainDefinition): Promise<DomainStatus> {
    const under = this.#creating.get(definition.ref);
    if (under) return under;
    const creating = this.#create(host, definition).finally(() => this.#creating.delete(definition.ref));
    this.#creating.set(definition.ref, creating);
    return creating;
  }

  async #create(host: HostTarget, definition: DomainDefinition): Promise<DomainStatus> {
    const existing = await this.status(definition.ref);
    if (existing) return existing;
    const boot = this.#settings.images.find((image) => image.ref === definition.imageRef)?.boot ?? null;
    const xml = domainXml({
      type: this.#settings.libvirt.domainType,
      ref: definition.ref,
      title: definition.name,
      vcpus: definition.vcpus,
      memoryMiB: definition.memoryMiB,
      boot,
      metadata: {
        managedId: definition.managedId,
        location: definition.location,
        host: host.ref,
        hypervisor: host.hypervisor,
        image: definition.imageRef,
        configuration: definition.configurationRef,
      },
    });
    await this.#virsh.define(xml);
    const ref = definition.ref;
    this.#booting.add(ref);
    // The answer shows the domain being created; its start follows in the background.
    const status = await this.status(ref).catch(() => null);
    void this.#virsh
      .run(['start', ref])
      .catch((error: unknown) => {
        this.#failed.set(ref, error instanceof Error ? error.message : String(error));
      })
      .finally(() => this.#booting.delete(ref));
    if (!status)
      throw new ConnectorError('ProviderUnavailable', `libvirt lost domain ${ref} right after defining it.`);
    return status;
  }

  start = async (ref: string) => {
    this.#failed.delete(ref);
    await this.#virsh.run(['start', ref]);
  };

  powerOff = async (ref: string) => {
    if ((await this.#nativeState(ref)) === 'paused') await this.#virsh.run(['resume', ref]);
    await this.#virsh.run(['shutdown', ref]);
    this.#clearStopping(ref);
    const timer = setTimeout(() => {
      this.#stopping.delete(ref);
      void this.#virsh.run(['destroy', ref]).catch(() => {});
    }, this.#settings.libvirt.powerOffTimeoutMs);
    timer.unref();
    this.#stopping.set(ref, timer);
  };

  pause = async (ref: string) => void (await this.#virsh.run(['suspend', ref]));
  unpause = async (ref: string) => void (await this.#virsh.run(['resume', ref]));
  /** libvirt's managed save: memory goes to disk, and the next start restores it. */
  suspend = async (ref: string) => void (await this.#virsh.run(['managedsave', ref]));
  resume = async (ref: string) => {
    const pmSuspended = (await this.#nativeState(ref)) === 'pmsuspended';
    await this.#virsh.run(pmSuspended ? ['dompmwakeup', ref] : ['start', ref]);
  };
  reset = async (ref: string) => void (await this.#virsh.run(['reboot', ref]));

  /** Forces the domain off and undefines it with its managed save; libvirt then no longer knows it. */
  destroy = async (ref: string) => {
    await this.#creating.get(ref)?.catch(() => {});
    this.#clearStopping(ref);
    await this.#virsh.run(['destroy', ref]).catch((error: unknown) => {
      if (!(error instanceof ConnectorError) || error.kind !== 'InvalidRequest') throw error;
    });
    await this.#virsh.run(['undefine', '--managed-save', ref]);
    this.#failed.delete(ref);
  };

  async status(ref: string): Promise<DomainStatus | null> {
    let xml: string;
    let info: Map<string, string>;
    try {
      [xml, info] = await Promise.all([
        this.#virsh.run(['dumpxml', ref]),
        this.#virsh.run(['dominfo', ref]).then(dominfo),
      ]);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const parsed = parseDomainXml(xml);
    const meta = parsed.metadata ?? {};
    const native = this.#native(ref, info);
    const location = meta.location ?? this.#settings.locations[0]?.ref ?? 'default';
    const hostRef = meta.host ?? this.#settings.hosts.find((h) => h.location === location)?.ref ?? 'libvirt';
    const failed = native === 'failed' ? (this.#failed.get(ref) ?? null) : null;
    return {
      ref,
      name: parsed.title ?? ref,
      location,
      hostRef,
      hypervisor: isHypervisor(meta.hypervisor) ? meta.hypervisor : (this.hypervisors[0] ?? 'kvm'),
      imageRef: meta.image ?? null,
      configurationRef: meta.configuration ?? null,
      managedId: parsed.metadata ? (meta.managedId ?? null) : null,
      addresses: [],
      nativeState: native,
      state: mapLibvirtState(native),
      error: failed ?? (native === 'crashed' ? 'libvirt reports that the domain crashed.' : null),
    };
  }

  async list(): Promise<DomainStatus[]> {
    const names = (await this.#virsh.run(['list', '--all', '--name'])).split('\n').filter(Boolean);
    const all: DomainStatus[] = [];
    // A few virsh calls at a time: each is a process and a connection.
    for (let i = 0; i < names.length; i += 4) {
      const batch = await Promise.all(names.slice(i, i + 4).map((name) => this.status(name)));
      for (const status of batch) if (status) all.push(status);
    }
    return all;
  }

  async close(): Promise<void> {
    for (const ref of [...this.#stopping.keys()]) this.#clearStopping(ref);
  }

  async #nativeState(ref: string): Promise<string> {
    return this.#native(ref, dominfo(await this.#virsh.run(['dominfo', ref])));
  }

  /** The driver's native state from dominfo and what it knows of work under way. */
  #native(ref: string, info: Map<string, string>): string {
    const state = info.get('State') ?? 'no state';
    if (this.#booting.has(ref)) return 'building';
    if (state === 'shut off') {
      this.#clearStopping(ref);
      if (this.#failed.has(ref)) return 'failed';
      if (info.get('Managed save') === 'yes') return 'saved';
    }
    if (state === 'running' && this.#stopping.has(ref)) return 'in shutdown';
    return state;
  }

  #clearStopping(ref: string): void {
    const timer = this.#stopping.get(ref);
    if (timer) clearTimeout(timer);
    this.#stopping.delete(ref);
  }
}
