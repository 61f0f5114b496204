const UNSAFE_TAG_CHARS = /[^A-Za-z0-9_.:-]/g;
const MAX_TAG_LENGTH = 100;

/** `/* dbpatrol:<tag> *\/`; the tag is reduced to characters that cannot end the comment or carry a placeholder. */
export function statementComment(tag?: string): string {
  const safe = tag?.replace(UNSAFE_TAG_CHARS, '_').slice(0, MAX_TAG_LENGTH);
  return safe ? `/* dbpatrol:${safe} */` : '/* dbpatrol */';
}

/** Prefixes a statement with its `dbpatrol` comment so it can be recognised in the server's process list and logs. */
export function withComment(sql: string, tag?: string): string {
  return `${statementComment(tag)} ${sql}`;
}
