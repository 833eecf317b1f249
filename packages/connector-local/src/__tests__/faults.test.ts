import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectConnectorError } from '@levante/connector-api/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { DriverPool } from '../drivers/driver-pool.ts';
import { connectSite, create } from './sim-site.ts';

const onParisA3 = { host: { ref: 'paris-a-3', hypervisor: 'kvm' } } as const;

describe('simulated faults', () => {
  let dataDir: string | null = null;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    dataDir = null;
  });

  it('a boot on a failing host ends in ERROR, with the reason', async () => {
    const clock = new ManualClock();
    const connector = await connectSite({ faults: { failBootOnHosts: ['paris-a-3'] } }, { clock });
    const machine = await create(connector, 'unlucky', onParisA3);
    expect(machine.state).toBe('CREATING');
    clock.advance(2_000);
    expect(await connector.getMachine(machine)).toMatchObject({
      state: 'ERROR',
      error: 'Host paris-a-3 failed to boot the machine: simulated hardware fault',
      extra: { nativeState: 'crashed' },
    });
    // A machine in ERROR can still be deleted.
    await connector.act(machine, 'delete');
    clock.advance(1_000);
    expect((await connector.getMachine(machine))?.state).toBe('DELETED');
    await connector.close();
  });

  it('other hosts boot normally', async () => {
    const clock = new ManualClock();
    const connector = await connectSite({ faults: { failBootOnHosts: ['paris-a-3'] } }, { clock });
    const machine = await create(connector, 'lucky');
    clock.advance(2_000);
    expect(await connector.getMachine(machine)).toMatchObject({ state: 'STARTED', error: null });
    await connector.close();
  });

  it('a create on a down host is refused with CapacityError, so the scheduler can choose another', async () => {
    const connector = await connectSite({ faults: { downHosts: ['paris-a-3'] } });
    const error = await expectConnectorError(create(connector, 'nowhere', onParisA3), ['CapacityError']);
    expect(error.message).toBe(
      'Host paris-a-3 is down and cannot take machine "nowhere"; choose another host.',
    );
    expect((await connector.listHosts?.())?.filter((h) => !h.up).map((h) => h.ref)).toEqual(['paris-a-3']);
    await connector.close();
  });

  it('an action on a machine whose host went down is refused with ProviderUnavailable, to retry later', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'levante-local-faults-'));
    const pool = new DriverPool(new ManualClock());
    const before = await connectSite({ bootDelayMs: 0 }, { pool, dataDir });
    const machine = await create(before, 'stranded', onParisA3);
    // The admin marks the host down: connections made with the new settings share the site's driver.
    const after = await connectSite(
      { bootDelayMs: 0, faults: { downHosts: ['paris-a-3'] } },
      { pool, dataDir },
    );
    const error = await expectConnectorError(after.act(machine, 'stop'), ['ProviderUnavailable']);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'Host paris-a-3, where machine "stranded" runs, is down; try again once it is back.',
    );
    expect((await after.getMachine(machine))?.state).toBe('STARTED');
    await Promise.all([before.close(), after.close()]);
  });
});
