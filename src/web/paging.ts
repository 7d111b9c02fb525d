export interface Pager {
  page: number;
  pages: number;
  total: number;
  limit: number;
  offset: number;
  /** Other query parameters to carry on the page links, ending in '&' when present. */
  query: string;
}

export const PAGE_SIZE = 20;

/**
 * No listing has this many pages; a larger ?page= is read as this one (and
 * then clamped to the last page), so the offset handed to SQL stays a small
 * integer: ?page=99999999999999999999 once passed 2^63 and failed (issue 10).
 */
const MAX_PAGE = 1_000_000;

/** ?page= as a page number from 1 to MAX_PAGE: anything odd (negative, non-numeric, repeated) is page 1. */
export function askedPage(rawPage: unknown): number {
  const asked = typeof rawPage === 'string' && /^\s*\d+\s*$/.test(rawPage) ? Number(rawPage) : 1;
  return Math.min(Math.max(asked, 1), MAX_PAGE);
}

/** Reads ?page= and clamps it to the pages that exist. */
export function paginate(rawPage: unknown, total: number, query = '', limit = PAGE_SIZE): Pager {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.min(askedPage(rawPage), pages);
  return { page, pages, total, limit, offset: (page - 1) * limit, query: query ? `${query}&` : '' };
}

/** The offset for a page number before the total is known (clamped afterwards by paginate). */
function requestedOffset(rawPage: unknown, limit: number): number {
  return (askedPage(rawPage) - 1) * limit;
}

/**
 * Reads the asked page of a listing with one query in the usual case; a page
 * past the end is clamped to the last one, which then needs its own read.
 */
export async function fetchPage<T>(
  rawPage: unknown,
  read: (limit: number, offset: number) => Promise<{ rows: T[]; total: number }>,
  query = '',
): Promise<{ rows: T[]; pager: Pager }> {
  const asked = requestedOffset(rawPage, PAGE_SIZE);
  const first = await read(PAGE_SIZE, asked);
  const pager = paginate(rawPage, first.total, query, PAGE_SIZE);
  return { rows: pager.offset === asked ? first.rows : (await read(pager.limit, pager.offset)).rows, pager };
}
