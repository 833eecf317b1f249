import type { ConfigurationInfo, Connector, ImageInfo, LocationInfo } from '@levante/connector-api';
import { type Executor, locations, machineConfigurations, machineImages } from '@levante/db';
import { and, eq, notInArray, sql } from 'drizzle-orm';

/** What an account offers, read from the provider before any transaction opens. */
export interface Catalog {
  readonly locations: readonly LocationInfo[];
  readonly images: readonly ImageInfo[];
  readonly configurations: readonly ConfigurationInfo[];
}

/** At most this many images per location are kept: public clouds list thousands. */
const MAX_IMAGES_PER_LOCATION = 500;

export async function readCatalog(connector: Connector, signal?: AbortSignal): Promise<Catalog> {
  const options = signal ? { signal } : {};
  const found = await connector.listLocations(options);
  const images: ImageInfo[] = [];
  const configurations: ConfigurationInfo[] = [];
  // Images and configurations are offered where machines are made: regions and sites. A zone
  // only says where inside its region a machine runs.
  for (const location of found.filter((l) => l.kind !== 'zone')) {
    let count = 0;
    for await (const image of connector.listImages(location.ref, options)) {
      images.push(image);
      if (++count >= MAX_IMAGES_PER_LOCATION) break;
    }
    configurations.push(...(await connector.listConfigurations(location.ref, options)));
  }
  return { locations: found, images, configurations };
}

/** Replaces the account's cached catalog and makes sure its locations exist. */
export async function storeCatalog(
  tx: Executor,
  providerId: string,
  accountId: string,
  catalog: Catalog,
): Promise<void> {
  const locationIds = new Map<string, string>();
  for (const location of catalog.locations) {
    const [row] = await tx
      .insert(locations)
      .values({
        providerId,
        ref: location.ref,
        name: location.name,
        kind: location.kind,
        parentRef: location.parentRef,
      })
      .onConflictDoUpdate({
        target: [locations.providerId, locations.ref],
        set: { name: location.name, kind: location.kind, parentRef: location.parentRef },
      })
      .returning({ id: locations.id });
    locationIds.set(location.ref, row!.id);
  }
  const imageRows = catalog.images.flatMap((image) => {
    const locationId = locationIds.get(image.location);
    if (!locationId) return [];
    return [
      {
        accountId,
        locationId,
        ref: image.ref,
        name: image.name,
        os: image.os,
        architecture: image.architecture,
        hypervisors: [...image.hypervisors],
        minDiskGiB: image.minDiskGiB,
        extra: image.extra ? { ...image.extra } : null,
      },
    ];
  });
  const configurationRows = catalog.configurations.flatMap((c) => {
    const locationId = locationIds.get(c.location);
    if (!locationId) return [];
    return [
      {
        accountId,
        locationId,
        ref: c.ref,
        name: c.name,
        vcpus: c.vcpus,
        memoryMiB: c.memoryMiB,
        diskGiB: c.diskGiB,
      },
    ];
  });
  // Upsert keeps the IDs of images and configurations that machines refer to.
  if (imageRows.length > 0) {
    await tx
      .insert(machineImages)
      .values(imageRows)
      .onConflictDoUpdate({
        target: [machineImages.accountId, machineImages.locationId, machineImages.ref],
        set: {
          name: sql`excluded.name`,
          os: sql`excluded.os`,
          architecture: sql`excluded.architecture`,
          hypervisors: sql`excluded.hypervisors`,
          minDiskGiB: sql`excluded.min_disk_gib`,
          extra: sql`excluded.extra`,
        },
      });
  }
  if (configurationRows.length > 0) {
    await tx
      .insert(machineConfigurations)
      .values(configurationRows)
      .onConflictDoUpdate({
        target: [
          machineConfigurations.accountId,
          machineConfigurations.locationId,
          machineConfigurations.ref,
        ],
        set: {
          name: sql`excluded.name`,
          vcpus: sql`excluded.vcpus`,
          memoryMiB: sql`excluded.memory_mib`,
          diskGiB: sql`excluded.disk_gib`,
        },
      });
  }
  await removeVanished(
    tx,
    accountId,
    imageRows.map((r) => `${r.locationId}/${r.ref}`),
    'images',
  );
  await removeVanished(
    tx,
    accountId,
    configurationRows.map((r) => `${r.locationId}/${r.ref}`),
    'configurations',
  );
}

async function removeVanished(
  tx: Executor,
  accountId: string,
  keep: string[],
  what: 'images' | 'configurations',
): Promise<void> {
  const table = what === 'images' ? machineImages : machineConfigurations;
  const key = sql`${table.locationId}::text || '/' || ${table.ref}`;
  await tx
    .delete(table)
    .where(and(eq(table.accountId, accountId), keep.length > 0 ? notInArray(key, keep) : undefined));
}
