import type { Role } from './roles.js';

/** Who is acting: the API token's name and role, plus the Grafana user the proxy vouched for. */
export interface Actor {
  tokenId?: string;
  name: string;
  role: Role;
  grafanaUser?: string;
}

/** The actor for work started from the command line on this machine. */
export const CLI_ACTOR: Actor = { name: 'cli', role: 'admin' };
