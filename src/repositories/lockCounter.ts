import type { Storage } from '../storage/port';

export interface LockState {
  failures: number;
  lockedAt: number | null;
}

/** The two tables of the one lock counter: customers' secrets by user, the staff password by staff account. */
type Table = { name: 'credential_locks'; holder: 'user_id' } | { name: 'staff_locks'; holder: 'staff_id' };

/**
 * A consecutive-failure counter with a lock at a threshold (R9), kept so that
 * it holds under concurrency on any number of processes (R15, issue 10): an
 * attempt that needs a slow compare (bcrypt) first reserves its place —
 * failures + attempts in flight may never pass the threshold — and then
 * settles it as a failure or a success in one statement. Every statement is
 * one atomic read-modify-write, so no count is lost and no lock skipped.
 */
export class LockCounter<Kind extends string> {
  private readonly getRow;
  private readonly reserveRow;
  private readonly failRow;
  private readonly succeedRow;
  private readonly releaseRow;
  private readonly resetRow;

  constructor(protected readonly db: Storage, table: Table) {
    const { name, holder } = table;
    const key = `${holder} = @holder AND kind = @kind`;
    this.getRow = `SELECT failures, locked_at AS lockedAt FROM ${name} WHERE ${key}`;
    // Reservations older than the lease were abandoned by a process that died mid-compare: they count as none.
    const live = `CASE WHEN ${name}.pending_at < @staleBefore THEN 0 ELSE ${name}.pending END`;
    this.reserveRow = `
      INSERT INTO ${name} (${holder}, kind, failures, locked_at, pending, pending_at)
      VALUES (@holder, @kind, 0, NULL, 1, @now)
      ON CONFLICT (${holder}, kind) DO UPDATE SET pending = ${live} + 1, pending_at = @now
      WHERE ${name}.locked_at IS NULL AND ${name}.failures + ${live} < @threshold
      RETURNING failures`;
    const settled = `(CASE WHEN @reserved = 1 AND ${name}.pending > 0 THEN ${name}.pending - 1 ELSE ${name}.pending END)`;
    this.failRow = `
      INSERT INTO ${name} (${holder}, kind, failures, locked_at)
      VALUES (@holder, @kind, 1, CASE WHEN 1 >= @threshold THEN CAST(@now AS BIGINT) END)
      ON CONFLICT (${holder}, kind) DO UPDATE SET
        failures = ${name}.failures + 1,
        locked_at = COALESCE(${name}.locked_at, CASE WHEN ${name}.failures + 1 >= @threshold THEN CAST(@now AS BIGINT) END),
        pending = ${settled}
      RETURNING failures, locked_at AS lockedAt`;
    // A right entry after a reservation: the reservation is released and the count reset, and the
    // lock is read in the same statement — a lock set meanwhile still refuses it.
    this.succeedRow = `
      UPDATE ${name} SET pending = ${settled}, failures = CASE WHEN locked_at IS NULL THEN 0 ELSE failures END
      WHERE ${key} RETURNING locked_at AS lockedAt`;
    this.releaseRow = `UPDATE ${name} SET pending = ${settled} WHERE ${key}`;
    // Matches no row when there is nothing to reset: the usual correct entry changes nothing at all (issue 5).
    this.resetRow = `UPDATE ${name} SET failures = 0 WHERE ${key} AND failures > 0 AND locked_at IS NULL`;
  }

  async get(holder: number, kind: Kind): Promise<LockState> {
    return (await this.db.get<LockState>(this.getRow, { holder, kind })) ?? { failures: 0, lockedAt: null };
  }

  async isLocked(holder: number, kind: Kind): Promise<boolean> {
    return (await this.get(holder, kind)).lockedAt !== null;
  }

  /**
   * Takes a place for one attempt before its compare. False when the secret
   * is locked or when failures and the attempts already in flight reach the
   * threshold: this attempt must then not be compared at all.
   */
  async reserve(holder: number, kind: Kind, threshold: number, now: number, staleBefore: number): Promise<boolean> {
    return (await this.db.get(this.reserveRow, { holder, kind, threshold, now, staleBefore })) !== undefined;
  }

  /** Counts one wrong entry (settling its reservation, if it had one); the threshold-th locks. */
  async recordFailure(holder: number, kind: Kind, threshold: number, now: number, reserved = false): Promise<LockState> {
    return (await this.db.get<LockState>(this.failRow, { holder, kind, threshold, now, reserved: reserved ? 1 : 0 }))!;
  }

  /**
   * A right entry. After a reservation: releases it, resets the count and
   * answers false if the secret is locked all the same. Without one (a check
   * that ran inside one write transaction): resets the count, writing nothing
   * when there is nothing to reset.
   */
  async recordSuccess(holder: number, kind: Kind, reserved = false): Promise<boolean> {
    if (!reserved) {
      await this.db.run(this.resetRow, { holder, kind });
      return true;
    }
    const row = await this.db.get<{ lockedAt: number | null }>(this.succeedRow, { holder, kind, reserved: 1 });
    return row?.lockedAt === null;
  }

  /** Gives a reservation back without an outcome (the compare itself failed, e.g. the bcrypt queue was full). */
  async release(holder: number, kind: Kind): Promise<void> {
    await this.db.run(this.releaseRow, { holder, kind, reserved: 1 });
  }
}
