import type { Config } from '../config/config.js';
import type { Sealer } from '../secrets/sealer.js';
import type { TargetSpec } from '../targets/target-spec.js';
import type { Host, InstanceRecord } from './inventory.schema.js';

/** Binds a sealed password to its instance so a sealed value cannot be moved to another row. */
export const passwordAad = (instanceId: string): string => `instance:${instanceId}`;

/** How to reach an instance: the host's address, the instance's port and account, the password unsealed. */
export function targetSpecFor(
  instance: InstanceRecord,
  host: Host,
  sealer: Sealer,
  timeouts: Config['targets'],
): TargetSpec {
  return {
    engine: instance.engine,
    host: host.address,
    port: instance.port,
    user: instance.user,
    ...(instance.passwordSealed ? { password: sealer.open(instance.passwordSealed, passwordAad(instance.id)) } : {}),
    ...(instance.database ? { database: instance.database } : {}),
    ...(instance.tls ? { tls: instance.tls } : {}),
    connectTimeoutMs: timeouts.connectTimeoutMs,
    statementTimeoutMs: timeouts.statementTimeoutMs,
    lockTimeoutMs: timeouts.lockTimeoutMs,
  };
}
