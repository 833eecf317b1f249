import { badInput } from './errors.ts';

/**
 * Global IDs are opaque to clients: base64url of `Type:localId`. Decoding checks
 * the type, so an ID of one kind can never be used where another is expected.
 */
export const NODE_TYPES = [
  'User',
  'Project',
  'ApiToken',
  'Event',
  'Provider',
  'ProviderAccount',
  'Location',
  'MachineImage',
  'MachineConfiguration',
  'Host',
  'Machine',
  'Job',
  'PlacementGroup',
  'MachineTemplate',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SERIAL = /^[1-9][0-9]{0,17}$/;

export function toGlobalId(type: NodeType, localId: string | number): string {
  return Buffer.from(`${type}:${localId}`, 'utf8').toString('base64url');
}

export function fromGlobalId(type: NodeType, globalId: string, field = 'id'): string {
  const malformed = () => badInput(field, `"${truncate(globalId)}" is not a valid ${type} ID.`);
  if (globalId.length === 0 || globalId.length > 100 || !/^[A-Za-z0-9_-]+$/.test(globalId)) throw malformed();
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0 || decoded.slice(0, separator) !== type) throw malformed();
  const localId = decoded.slice(separator + 1);
  if (!(type === 'Event' ? SERIAL : UUID).test(localId)) throw malformed();
  return localId;
}

/** The type and local id of a global ID of any type. */
export function parseGlobalId(globalId: string, field = 'id'): { type: NodeType; localId: string } {
  const decoded = /^[A-Za-z0-9_-]{1,100}$/.test(globalId)
    ? Buffer.from(globalId, 'base64url').toString('utf8')
    : '';
  const type = decoded.slice(0, Math.max(0, decoded.indexOf(':'))) as NodeType;
  if (!(NODE_TYPES as readonly string[]).includes(type))
    throw badInput(field, `"${truncate(globalId)}" is not a valid ID.`);
  return { type, localId: fromGlobalId(type, globalId, field) };
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
