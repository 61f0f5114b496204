/** Object names quoted the way a DBA would type them back into a client. */
export const myIdent = (name: string): string => '`' + name.replace(/`/g, '``') + '`';
export const myQualified = (...parts: string[]): string => parts.map(myIdent).join('.');
export const myAccount = (user: string, host: string): string =>
  `'${user.replace(/'/g, "''")}'@'${host.replace(/'/g, "''")}'`;
export const pgIdent = (name: string): string => '"' + name.replace(/"/g, '""') + '"';
export const pgQualified = (...parts: string[]): string => parts.map(pgIdent).join('.');
