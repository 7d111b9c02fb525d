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

/** Reads ?page= (anything odd becomes page 1) and clamps it to the pages that exist. */
export function paginate(rawPage: unknown, total: number, query = '', limit = PAGE_SIZE): Pager {
  const pages = Math.max(1, Math.ceil(total / limit));
  const asked = Number.parseInt(typeof rawPage === 'string' ? rawPage : '1', 10);
  const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages) : 1;
  return { page, pages, total, limit, offset: (page - 1) * limit, query: query ? `${query}&` : '' };
}

/** The offset for a page number before the total is known (clamped afterwards by paginate). */
function requestedOffset(rawPage: unknown, limit: number): number {
  const asked = Number.parseInt(typeof rawPage === 'string' ? rawPage : '1', 10);
  return (Number.isFinite(asked) && asked > 1 ? asked - 1 : 0) * limit;
}

/**
 * Reads the asked page of a listing with one query in the usual case; a page
 * past the end is clamped to the last one, which then needs its own read.
 */
export function fetchPage<T>(
  rawPage: unknown,
  read: (limit: number, offset: number) => { rows: T[]; total: number },
  query = '',
): { rows: T[]; pager: Pager } {
  const asked = requestedOffset(rawPage, PAGE_SIZE);
  const first = read(PAGE_SIZE, asked);
  const pager = paginate(rawPage, first.total, query, PAGE_SIZE);
  return { rows: pager.offset === asked ? first.rows : read(pager.limit, pager.offset).rows, pager };
}
