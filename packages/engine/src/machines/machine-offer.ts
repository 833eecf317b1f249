import type { ConnectorRegistry } from '@levante/connector-api';
import {
  type Executor,
  type LocationRow,
  locations,
  type MachineConfigurationRow,
  type MachineImageRow,
  machineConfigurations,
  machineImages,
  type ProviderAccountRow,
  type ProviderRow,
} from '@levante/db';
import { badInput, notFound } from '@levante/domain';
import { and, eq } from 'drizzle-orm';
import { projectAccount } from '../providers/project-account.ts';

/** What a machine is made of: its account, where it runs, its image and its size. */
export interface OfferInput {
  readonly projectId: string;
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
}

/** An offer checked against the catalog: every part exists, belongs together, and the project may use it. */
export interface Offer {
  readonly account: ProviderAccountRow;
  readonly provider: ProviderRow;
  readonly location: LocationRow;
  readonly image: MachineImageRow;
  readonly configuration: MachineConfigurationRow;
  /** The machine's disk: the configuration's, or the image's when the provider sizes it from the image. */
  readonly diskGiB: number;
  readonly usesHosts: boolean;
}

/**
 * Reads and checks what a create (or a machine template) asks of its
 * account, in four statements sent together: NOT_FOUND for a part that does
 * not exist or that the project may not use, BAD_USER_INPUT for parts that
 * do not go together.
 */
export async function readOffer(
  tx: Executor,
  registry: ConnectorRegistry,
  input: OfferInput,
): Promise<Offer> {
  const [account, [location], [image], [configuration]] = await Promise.all([
    projectAccount(tx, input.projectId, input.accountId),
    tx.select().from(locations).where(eq(locations.id, input.locationId)),
    tx
      .select({ image: machineImages, location: locations })
      .from(machineImages)
      .innerJoin(locations, eq(locations.id, machineImages.locationId))
      .where(and(eq(machineImages.id, input.imageId), eq(machineImages.accountId, input.accountId))),
    tx
      .select()
      .from(machineConfigurations)
      .where(
        and(
          eq(machineConfigurations.id, input.configurationId),
          eq(machineConfigurations.accountId, input.accountId),
        ),
      ),
  ]);
  if (!account) throw notFound('Provider account');
  if (!location || location.providerId !== account.provider.id) throw notFound('Location');
  if (!image) throw notFound('Image');
  if (image.image.locationId !== location.id) {
    throw badInput(
      'imageId',
      `Image ${image.image.name} is offered in ${image.location.name}, not in ${location.name}.`,
    );
  }
  if (!configuration) throw notFound('Configuration');
  if (configuration.locationId !== location.id) {
    throw badInput(
      'configurationId',
      `Configuration ${configuration.name} is not offered in ${location.name}.`,
    );
  }
  // A configuration without a disk of its own (0: EC2's EBS-only types) takes the image's size.
  if (configuration.diskGiB > 0 && configuration.diskGiB < image.image.minDiskGiB) {
    throw badInput(
      'configurationId',
      `Image ${image.image.name} needs a disk of ${image.image.minDiskGiB} GiB; ${configuration.name} has ${configuration.diskGiB} GiB.`,
    );
  }
  const { capabilities } = await registry.get(account.provider.kind);
  return {
    ...account,
    location,
    image: image.image,
    configuration,
    diskGiB: Math.max(configuration.diskGiB, image.image.minDiskGiB),
    usesHosts: capabilities.hosts,
  };
}
