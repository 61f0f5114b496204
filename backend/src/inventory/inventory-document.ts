import { z } from 'zod';
import { InputError } from '../errors/domain-errors.js';
import {
  businessInput,
  hostInput,
  instanceInput,
  type Business,
  type Host,
  type InstanceRecord,
} from './inventory.schema.js';
import type { InventorySnapshot } from '../store/store.js';

const instanceDoc = instanceInput.omit({ hostId: true });
const hostDoc = hostInput.omit({ businessId: true }).extend({ instances: z.array(instanceDoc).default([]) });
const businessDoc = businessInput.extend({ hosts: z.array(hostDoc).default([]) });

/** The YAML/JSON shape of `dbpatrol inventory import|export`: businesses → hosts → instances, by name. */
export const inventoryDocument = z.strictObject({
  version: z.literal(1).default(1),
  businesses: z.array(businessDoc),
});

/** The exported document: the import shape without passwords; whatever else a record carries is dropped. */
export const inventoryExport = z.object({
  version: z.literal(1),
  businesses: z.array(
    businessInput.strip().extend({
      hosts: z.array(
        hostInput
          .omit({ businessId: true })
          .strip()
          .extend({ instances: z.array(instanceInput.omit({ hostId: true, password: true }).strip()) }),
      ),
    }),
  ),
});

export type InventoryDocument = z.infer<typeof inventoryDocument>;
export type InstanceDoc = z.infer<typeof instanceDoc>;

/** Names are unique per kind across the whole document, as in the store. */
export function assertUniqueNames(doc: InventoryDocument): void {
  const seen = {
    business: new Map<string, string>(),
    host: new Map<string, string>(),
    instance: new Map<string, string>(),
  };
  const issues: { path: string; message: string }[] = [];
  const check = (kind: keyof typeof seen, name: string, path: string) => {
    const first = seen[kind].get(name);
    if (first) issues.push({ path: `${path}.name`, message: `duplicates the ${kind} name at ${first}` });
    else seen[kind].set(name, path);
  };
  doc.businesses.forEach((b, bi) => {
    check('business', b.name, `businesses.${bi}`);
    b.hosts.forEach((h, hi) => {
      check('host', h.name, `businesses.${bi}.hosts.${hi}`);
      h.instances.forEach((i, ii) => check('instance', i.name, `businesses.${bi}.hosts.${hi}.instances.${ii}`));
    });
  });
  if (issues.length) throw new InputError(issues);
}

/** The document for an export: every field a re-import needs, never a password. */
export function toDocument(snapshot: InventorySnapshot): InventoryDocument {
  const hostsOf = (b: Business) => snapshot.hosts.filter((h) => h.businessId === b.id);
  const instancesOf = (h: Host) => snapshot.instances.filter((i) => i.hostId === h.id);
  const instance = (i: InstanceRecord): InstanceDoc => ({
    name: i.name,
    engine: i.engine,
    port: i.port,
    user: i.user,
    ...(i.database ? { database: i.database } : {}),
    ...(i.tls ? { tls: i.tls } : {}),
    ...(Object.keys(i.labels).length ? { labels: i.labels } : {}),
    ...(i.backupEvidenceSql ? { backupEvidenceSql: i.backupEvidenceSql } : {}),
    enabled: i.enabled,
  });
  return {
    version: 1,
    businesses: snapshot.businesses.map((b) => ({
      name: b.name,
      ...(b.description ? { description: b.description } : {}),
      hosts: hostsOf(b).map((h) => ({
        name: h.name,
        address: h.address,
        ...(Object.keys(h.labels).length ? { labels: h.labels } : {}),
        instances: instancesOf(h).map(instance),
      })),
    })),
  };
}
