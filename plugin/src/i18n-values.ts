/**
 * Spread into the values of every `t()` call that interpolates: i18next HTML-escapes interpolated values by default
 * and Grafana's instance keeps that default, so a backend message such as "archive command's error" or "14305 / 2026"
 * would show as `&#39;` and `&#x2F;`. React escapes what it renders, so escaping here is both wrong and unneeded.
 */
export const RAW_VALUES = { interpolation: { escapeValue: false } } as const;
