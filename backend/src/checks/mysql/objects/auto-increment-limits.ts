/** Value bits of each signed integer type (UNSIGNED adds the sign bit). */
const SIGNED_BITS: Record<string, number> = {
  tinyint: 7,
  smallint: 15,
  mediumint: 23,
  int: 31,
  integer: 31,
  bigint: 63,
};
/** Largest integer a floating-point AUTO_INCREMENT column stores exactly (deprecated in MySQL 8.0.17). */
const FLOAT_MAX: Record<string, bigint> = { float: 2n ** 24n, double: 2n ** 53n, real: 2n ** 53n };

/** The largest value an AUTO_INCREMENT column of this type can take, or undefined for a type the check does not know. */
export function autoIncrementMax(dataType: string, columnType: string): bigint | undefined {
  const type = dataType.toLowerCase();
  const bits = SIGNED_BITS[type];
  if (bits !== undefined)
    return /\bunsigned\b/i.test(columnType) ? 2n ** BigInt(bits + 1) - 1n : 2n ** BigInt(bits) - 1n;
  return FLOAT_MAX[type];
}
