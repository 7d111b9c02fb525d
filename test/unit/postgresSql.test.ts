import path from 'node:path';
import { POSTGRES_MIGRATIONS_DIR, migrationFiles } from '../../src/storage/postgresMigrate';
import { bindValues, translateSql } from '../../src/storage/postgresSql';

// The PostgreSQL adapter's translation of the port's SQL (issue 12), without a database.
describe('the port SQL as PostgreSQL takes it', () => {
  it('when a statement has ? placeholders, then they become $1, $2 … in order', () => {
    const sql = translateSql('UPDATE companies SET balance = balance - ? WHERE id = ? AND balance >= ?');
    expect(sql.text).toBe('UPDATE companies SET balance = balance - $1 WHERE id = $2 AND balance >= $3');
    expect(bindValues(sql, [5, 1, 5], '')).toEqual([5, 1, 5]);
  });

  it('when a @name is used twice, then it binds one $n', () => {
    const sql = translateSql('INSERT INTO companies (name, balance, opening_balance) VALUES (@name, @balance, @balance)');
    expect(sql.text).toBe('INSERT INTO companies (name, balance, opening_balance) VALUES ($1, $2, $2)');
    expect(bindValues(sql, { balance: 100, name: 'A', unused: 1 }, '')).toEqual(['A', 100]);
  });

  it('when ? or @ stand in literals, quoted names or comments, then they are left alone', () => {
    const sql = translateSql(`SELECT '?', 'it''s @x', "a?b" -- ? @y\n, ? /* @z ? */ FROM t WHERE x @> ?`);
    expect(sql.text).toBe(`SELECT '?', 'it''s @x', "a?b" -- ? @y\n, $1 /* @z ? */ FROM t WHERE x @> $2`);
  });

  it('when a named parameter is missing or the kinds are mixed, then it is refused with the statement', () => {
    expect(() => bindValues(translateSql('SELECT @a'), { b: 1 }, 'SELECT @a')).toThrow(/missing named parameter @a/);
    expect(() => bindValues(translateSql('SELECT ?'), [], 'SELECT ?')).toThrow(/expected 1 positional/);
    expect(() => translateSql('SELECT ? , @a')).toThrow(/mixes/);
  });

  it('when aliases are camelCase, then their lower-case names map back to them', () => {
    const sql = translateSql(`SELECT account_number AS accountNumber, 'x AS notAnAlias' AS q, CAST(a AS INTEGER) AS n FROM c`);
    expect([...sql.columns]).toEqual([['accountnumber', 'accountNumber']]);
  });
});

describe('the PostgreSQL migrations', () => {
  it('when a migration is added for SQLite, then PostgreSQL has one of the same name (both record the same names)', () => {
    expect(migrationFiles(POSTGRES_MIGRATIONS_DIR)).toEqual(migrationFiles(path.resolve(__dirname, '..', '..', 'migrations')));
  });
});
