/** `search_path=pg_catalog, "my schema", pg_temp` → its entries, unquoted. */
export function parseSearchPath(setting: string): string[] {
  const value = setting.slice(setting.indexOf('=') + 1);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s));
}
