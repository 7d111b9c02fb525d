const JST_OFFSET_MS = 9 * 3_600_000;

/** YYYYMMDD of the given instant in Japan time (UTC+9, no daylight saving), used in 受付番号. */
export function jstDatePart(ms: number): string {
  const d = new Date(ms + JST_OFFSET_MS);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * 2026/11/26 10:00:12 — an instant as Japan's clocks show it, on screens and in
 * mail. Japan keeps UTC+9 all year, so the clock is the UTC one moved by nine
 * hours: the same text Intl.DateTimeFormat('ja-JP', Asia/Tokyo) writes (a unit
 * test compares the two), without its cost — Intl's format was 1% of the menu's
 * CPU and as much of every confirmation's notices (issue 11).
 */
export function formatJstDateTime(ms: number): string {
  const d = new Date(ms + JST_OFFSET_MS);
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
