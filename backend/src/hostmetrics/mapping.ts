/** Which node_exporter series belong to an inventory host. */
export interface NodeRef {
  /** The exact `instance` label (`host:port`). */
  instance?: string;
  /** The host part of the `instance` label, any port. */
  address?: string;
}

/** The host label naming the node_exporter target when it differs from the host's address. */
export const NODE_LABEL = 'node';

/**
 * The node of an inventory host: its `node` label (`host:port` = that exact instance label, otherwise the host part),
 * else its address (`localhost` and `127.0.0.1` stand for each other).
 */
export function nodeFor(host: { address: string; labels?: Readonly<Record<string, string>> }): NodeRef {
  const label = host.labels?.[NODE_LABEL]?.trim();
  if (label) return /:\d+$/.test(label) && !/^[0-9a-f:]+$/i.test(label) ? { instance: label } : { address: label };
  const a = host.address.replace(/^\[(.*)\]$/, '$1');
  return { address: a === 'localhost' ? '127.0.0.1' : a };
}
