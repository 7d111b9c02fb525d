/** YYYYMMDD of the given instant in Japan time (UTC+9, no daylight saving), used in 受付番号. */
export function jstDatePart(ms: number): string {
  const d = new Date(ms + 9 * 3_600_000);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

const jstDateTime = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** 2026/11/26 10:00:12 — an instant as Japan's clocks show it, on screens and in mail. */
export const formatJstDateTime = (ms: number): string => jstDateTime.format(new Date(ms));
