// Finding the way from the service root to the computer system, and the BIOS attribute registry.

import { linkOf, type RedfishClient } from './client';
import { IloNotFoundError, IloUnsupportedError } from './errors';
import { identifyIlo, type IloGeneration } from './oem/hpe';
import { parseAttributeRegistry, type AttributeRegistry } from './registry';
import { AttributeRegistryDocument, ComputerSystem, RegistryFile } from './resources';

export interface IloSystem {
  generation: IloGeneration | null;
  iloFirmware: string | null;
  systemUri: string;
  /** The ComputerSystem as the iLO returned it (unknown properties kept for OEM lookups). */
  system: ComputerSystem;
}

export async function loadSystem(client: Pick<RedfishClient, 'url' | 'serviceRoot' | 'get' | 'getAs' | 'members'>): Promise<IloSystem> {
  const root = await client.serviceRoot();
  const [first] = await client.members(linkOf(root, 'Systems') ?? '/redfish/v1/Systems/');
  if (!first) throw new IloUnsupportedError(`The iLO at ${client.url.host} lists no computer system`);
  const system = await client.getAs(first, ComputerSystem);
  let identity = identifyIlo(root);
  if (identity.generation === null) {
    const [managerUri] = await client.members(linkOf(root, 'Managers') ?? '/redfish/v1/Managers/');
    const manager = managerUri ? (await client.get(managerUri)).body : undefined;
    identity = identifyIlo(root, manager);
  }
  return { generation: identity.generation, iloFirmware: identity.firmwareVersion, systemUri: first, system };
}

function lastSegment(uri: string): string {
  return uri.replace(/\/+$/, '').split('/').pop()?.toLowerCase() ?? '';
}

// A real iLO 5 registry is over a megabyte and takes seconds: read it once per client.
const registries = new WeakMap<RedfishClient, Map<string, Promise<AttributeRegistry | null>>>();

/**
 * The attribute registry named by the Bios resource, or null when the iLO serves none. Matched
 * case-insensitively by name; the registry file's English location is preferred.
 */
export function loadAttributeRegistry(client: RedfishClient, registryName: string | undefined): Promise<AttributeRegistry | null> {
  if (!registryName) return Promise.resolve(null);
  let cache = registries.get(client);
  if (!cache) registries.set(client, (cache = new Map()));
  let registry = cache.get(registryName);
  if (!registry) {
    registry = fetchAttributeRegistry(client, registryName);
    cache.set(registryName, registry);
    // A failed read is not cached: the next call tries again.
    registry.catch(() => cache.delete(registryName));
  }
  return registry;
}

async function fetchAttributeRegistry(client: RedfishClient, registryName: string): Promise<AttributeRegistry | null> {
  const root = await client.serviceRoot();
  try {
    const members = await client.members(linkOf(root, 'Registries') ?? '/redfish/v1/Registries/');
    const wanted = registryName.toLowerCase();
    const member = members.find((m) => lastSegment(m) === wanted);
    if (!member) return null;
    const file = await client.getAs(member, RegistryFile);
    const location = file.locations.find((l) => l.language === 'en' && l.uri) ?? file.locations.find((l) => l.uri);
    if (!location?.uri) return null;
    return parseAttributeRegistry(await client.getAs(location.uri, AttributeRegistryDocument));
  } catch (error) {
    if (error instanceof IloNotFoundError) return null;
    throw error;
  }
}
