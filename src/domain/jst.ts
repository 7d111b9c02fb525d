/** YYYYMMDD of the given instant in Japan time (UTC+9, no daylight saving), used in 受付番号. */
export function jstDatePart(ms: number): string {
  const d = new Date(ms + 9 * 3_600_000);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}
