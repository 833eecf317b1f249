import { type Clock, systemClock } from '../clock.ts';
import type { LocalSettings } from '../settings.ts';
import type { HypervisorDriver } from './hypervisor-driver.ts';
import { LibvirtDriver } from './libvirt/libvirt-driver.ts';
import { QemuDriver } from './qemu/qemu-driver.ts';
import { SimDriver } from './sim/sim-driver.ts';

/** Opens the driver the settings name. */
function openDriver(
  settings: LocalSettings,
  dataDir: string | null,
  clock: Clock,
): Promise<HypervisorDriver> {
  switch (settings.driver) {
    case 'sim':
      return SimDriver.open(settings, clock, dataDir);
    case 'qemu':
      return QemuDriver.open(settings, dataDir);
    case 'libvirt':
      return LibvirtDriver.open(settings);
  }
}

export interface DriverLease {
  readonly driver: HypervisorDriver;
  /** Gives the driver back; the last lease closes it. */
  release(): Promise<void>;
}

interface Entry {
  readonly driver: Promise<HypervisorDriver>;
  settings: string;
  users: number;
}

/**
 * Drivers for connections. A site kept in a data directory has one driver,
 * shared by every connection to it (two drivers must never write one state
 * file); a connection opened with other settings reconfigures it. The last
 * connection to close closes the driver; one opened meanwhile waits for that,
 * then reloads the saved state. Without a data directory, each connection
 * gets a site of its own, in memory: accounts never see each other's machines.
 */
export class DriverPool {
  readonly clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #closing = new Map<string, Promise<void>>();

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
  }

  async acquire(settings: LocalSettings, dataDir: string | null): Promise<DriverLease> {
    if (dataDir === null) {
      const driver = await openDriver(settings, null, this.clock);
      let closing: Promise<void> | null = null;
      return { driver, release: () => (closing ??= driver.close()) };
    }
    const settingsKey = JSON.stringify(settings);
    const key = `${settings.driver}:${dataDir}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      const closing = (this.#closing.get(key) ?? Promise.resolve()).catch(() => {});
      entry = {
        driver: closing.then(() => openDriver(settings, dataDir, this.clock)),
        settings: settingsKey,
        users: 0,
      };
      this.#entries.set(key, entry);
    }
    const current = entry;
    current.users++;
    let driver: HypervisorDriver;
    try {
      driver = await current.driver;
    } catch (error) {
      current.users--;
      if (this.#entries.get(key) === current) this.#entries.delete(key);
      throw error;
    }
    if (current.settings !== settingsKey) {
      current.settings = settingsKey;
      try {
        await driver.reconfigure(settings);
      } catch (error) {
        current.users--;
        throw error;
      }
    }
    let released = false;
    return {
      driver,
      release: async () => {
        if (released) return;
        released = true;
        if (--current.users > 0) return;
        if (this.#entries.get(key) === current) this.#entries.delete(key);
        const closing = driver.close();
        this.#closing.set(key, closing);
        try {
          await closing;
        } finally {
          if (this.#closing.get(key) === closing) this.#closing.delete(key);
        }
      },
    };
  }
}
