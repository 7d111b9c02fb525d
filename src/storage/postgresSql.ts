import type { Params } from './port';

/**
 * The port's shared SQL (`?` or `@name` placeholders, unquoted camelCase
 * aliases) as PostgreSQL takes it (issue 12). Each SQL text is parsed once;
 * the result is cached by the adapter.
 */
export interface TranslatedSql {
  /** The text with `$1, $2 …` in place of the placeholders. */
  readonly text: string;
  /** For `@name` SQL: the name bound to each `$n`, in order (a name used twice binds one `$n`); null for `?` SQL. */
  readonly names: readonly string[] | null;
  /** The number of `$n` placeholders. */
  readonly count: number;
  /**
   * Result column names as PostgreSQL reports them → as the SQL wrote them.
   * PostgreSQL folds an unquoted alias to lower case (`AS companyId` comes
   * back as `companyid`) where SQLite keeps it; rows are renamed back, so the
   * SQL stays shared and may still refer to its aliases unquoted.
   */
  readonly columns: ReadonlyMap<string, string>;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;
const ALIAS = /\bAS\s+([A-Za-z_][A-Za-z0-9_]*)/gi;

/** Where a quoted run that opens at `i` ends (the index after it); SQL doubles the quote to escape it. */
function endOfQuoted(sql: string, i: number, quote: string): number {
  let j = i + 1;
  for (;;) {
    const k = sql.indexOf(quote, j);
    if (k < 0) return sql.length;
    if (sql[k + 1] !== quote) return k + 1;
    j = k + 2;
  }
}

/** The end of a comment opening at `i` (`--` to the line's end, `/* … *\/`), or -1 when none opens there. */
function endOfComment(sql: string, i: number): number {
  if (sql.startsWith('--', i)) {
    const k = sql.indexOf('\n', i);
    return k < 0 ? sql.length : k + 1;
  }
  if (sql.startsWith('/*', i)) {
    const k = sql.indexOf('*/', i + 2);
    return k < 0 ? sql.length : k + 2;
  }
  return -1;
}

export function translateSql(sql: string): TranslatedSql {
  let text = '';
  let code = ''; // the SQL outside literals, quoted names and comments: where aliases are looked for
  const names: string[] = [];
  const byName = new Map<string, number>();
  let positional = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const commentEnd = endOfComment(sql, i);
    if (c === "'" || c === '"' || commentEnd >= 0) {
      const end = commentEnd >= 0 ? commentEnd : endOfQuoted(sql, i, c);
      text += sql.slice(i, end);
      code += ' ';
      i = end;
    } else if (c === '?') {
      text += `$${++positional}`;
      code += ' ';
      i += 1;
    } else if (c === '@' && IDENT_START.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && IDENT.test(sql[j]!)) j += 1;
      const name = sql.slice(i + 1, j);
      let n = byName.get(name);
      if (n === undefined) {
        names.push(name);
        n = names.length;
        byName.set(name, n);
      }
      text += `$${n}`;
      code += ' ';
      i = j;
    } else {
      text += c;
      code += c;
      i += 1;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error(`SQL mixes ? and @name placeholders: ${sql}`);
  const columns = new Map<string, string>();
  for (const m of code.matchAll(ALIAS)) {
    const alias = m[1]!;
    if (alias !== alias.toLowerCase() && alias !== alias.toUpperCase()) columns.set(alias.toLowerCase(), alias);
  }
  return { text, names: names.length > 0 ? names : null, count: positional || names.length, columns };
}

/** The values for `$1 … $n`, in order, from the port's positional or named parameters. */
export function bindValues(sql: TranslatedSql, params: Params | undefined, original: string): unknown[] {
  if (sql.names === null) {
    const values = (params ?? []) as readonly unknown[];
    if (!Array.isArray(values) || values.length !== sql.count) {
      throw new RangeError(`expected ${sql.count} positional parameter(s) for: ${original}`);
    }
    return values;
  }
  const named = (params ?? {}) as Readonly<Record<string, unknown>>;
  if (Array.isArray(named)) throw new TypeError(`expected named parameters (@name) for: ${original}`);
  return sql.names.map((name) => {
    if (!(name in named)) throw new RangeError(`missing named parameter @${name} for: ${original}`);
    return named[name];
  });
}
