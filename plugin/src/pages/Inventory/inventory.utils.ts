import type { Business, Engine, Host, Instance, Labels } from '../../api/inventory';

export interface InventoryFilter {
  search: string;
  engine?: Engine;
  /** `key:value` or `key` (any value); all must match the instance's or its host's labels. */
  labels: string[];
}

export interface HostNode {
  host: Host;
  instances: Instance[];
}

export interface BusinessNode {
  business: Business;
  hosts: HostNode[];
}

/** Splits `env:prod, team:dba` into label terms; blanks are dropped. */
export function parseLabelTerms(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function labelsMatch(labels: Labels, terms: string[]): boolean {
  return terms.every((term) => {
    const at = term.indexOf(':');
    if (at < 0) {
      return term in labels;
    }
    return labels[term.slice(0, at)] === term.slice(at + 1);
  });
}

const includes = (text: string | undefined, needle: string) => (text ?? '').toLowerCase().includes(needle);

/**
 * The business → host → instance tree after filtering. Search matches any level's name (and a host's address): a
 * matching business or host keeps all its children; otherwise only matching children are kept. Engine and label
 * filters apply to instances (labels of the host count too), and branches left empty by them disappear.
 */
export function buildInventoryTree(
  businesses: Business[],
  hosts: Host[],
  instances: Instance[],
  filter: InventoryFilter
): BusinessNode[] {
  const needle = filter.search.trim().toLowerCase();
  const instanceFilterOn = Boolean(filter.engine) || filter.labels.length > 0;
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

  return [...businesses].sort(byName).flatMap((business) => {
    const businessHit = !needle || includes(business.name, needle);
    const hostNodes = hosts
      .filter((h) => h.businessId === business.id)
      .sort(byName)
      .flatMap((host) => {
        const hostHit = businessHit || includes(host.name, needle) || includes(host.address, needle);
        const kept = instances
          .filter((i) => i.hostId === host.id)
          .filter((i) => !filter.engine || i.engine === filter.engine)
          .filter((i) => labelsMatch({ ...host.labels, ...i.labels }, filter.labels))
          .filter((i) => hostHit || includes(i.name, needle))
          .sort(byName);
        if (kept.length === 0 && (instanceFilterOn || !hostHit)) {
          return [];
        }
        return [{ host, instances: kept }];
      });
    if (hostNodes.length === 0 && (instanceFilterOn || !businessHit)) {
      return [];
    }
    return [{ business, hosts: hostNodes }];
  });
}

/** `env=prod\nteam=dba` ↔ labels, for the label text areas of the forms. */
export function labelsToText(labels: Labels | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

export function textToLabels(text: string): Labels {
  const labels: Labels = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) {
      continue;
    }
    const at = trimmed.indexOf('=');
    if (at < 0) {
      labels[trimmed] = '';
    } else {
      labels[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
    }
  }
  return labels;
}
