import type { Deps } from '../deps';
import { jstDatePart } from '../domain/jst';
import { forbidden, notFound } from '../errors';
import type { Transfer, TransferInput } from '../repositories/transfers';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import type { ConfirmationMethod, ConfirmationVerifier } from './transferConfirmation';

export type ConfirmOutcome =
  | { ok: true; receiptNumber: string }
  | { ok: false; reason: Refused | 'locked' | 'noToken' }
  | { ok: false; reason: 'wrong'; remaining: number };

type Refused = 'completed' | 'expired' | 'insufficient' | 'refused';

/** Thrown inside the debit job so that its savepoint, and nothing else of the batch, is rolled back. */
class Refusal extends Error {
  constructor(readonly reason: Refused) {
    super(reason);
  }
}

/** Only users given transfer authority (利用者管理 canTransfer) may draft or confirm 都度振込. */
export function assertCanTransfer(user: User): void {
  if (!user.canTransfer) throw forbidden();
}

export function createDraft(deps: Deps, user: User, input: TransferInput): number {
  assertCanTransfer(user);
  const now = deps.clock.now();
  return deps.repos.transfers.insertDraft({
    ...input,
    companyId: user.companyId,
    userId: user.id,
    createdAt: now,
    expiresAt: now + deps.config.draftTtlMs,
  });
}

/** A transfer the user made; anyone else's id reads as absent (404), never as forbidden (R10). */
export function findOwnTransfer(deps: Deps, user: User, id: number): Transfer {
  const transfer = deps.repos.transfers.find(id);
  if (!transfer || transfer.userId !== user.id) throw notFound();
  return transfer;
}

/** The 明細 a user may open: their own, or, for the administrator, any completed one of the company. */
export function findViewableTransfer(deps: Deps, user: User, id: number): Transfer {
  const transfer = deps.repos.transfers.find(id);
  const own = transfer?.userId === user.id;
  const companyAdmin =
    user.role === 'admin' && transfer?.companyId === user.companyId && transfer.status === 'completed';
  if (!transfer || !(own || companyAdmin)) throw notFound();
  return transfer;
}

export const isExpired = (deps: Deps, transfer: Transfer): boolean => transfer.expiresAt <= deps.clock.now();

/** 振込履歴: the user's own completed transfers; the administrator sees the whole company's. */
export function transferHistory(deps: Deps, user: User, limit: number, offset: number): { rows: Transfer[]; total: number } {
  const { transfers } = deps.repos;
  return user.role === 'admin'
    ? transfers.listForCompany(user.companyId, limit, offset)
    : transfers.listForUser(user.id, limit, offset);
}

/**
 * 振込内容確認 → 確定 (R10). The secret is checked first (bcrypt is async and
 * must stay outside the transaction); then spending the secret, the
 * compare-and-set from draft, the debit and the audit entry are one job of
 * the group commit (src/db/groupCommit.ts): its own savepoint inside the
 * shared transaction, so a double click, a replay or a concurrent draft can
 * neither execute twice nor overdraw, any refusal inside rolls back this
 * confirmation alone, and the receipt is answered only once it is durable.
 */
export async function confirmTransfer(
  deps: Deps,
  verifier: ConfirmationVerifier,
  user: User,
  transferId: number,
  secret: string,
  actor: Actor,
): Promise<ConfirmOutcome> {
  assertCanTransfer(user);
  const draft = findOwnTransfer(deps, user, transferId);
  const refuse = (outcome: Exclude<ConfirmOutcome, { ok: true }>): ConfirmOutcome => {
    deps.audit.record(actor, {
      event: 'transfer.confirm',
      outcome: 'failure',
      subject: `#${draft.id}`,
      detail: `reason=${outcome.reason} amount=${draft.amount}`,
    });
    return outcome;
  };
  if (draft.status === 'completed') return refuse({ ok: false, reason: 'completed' });
  if (isExpired(deps, draft)) return refuse({ ok: false, reason: 'expired' });

  const verification = await verifier.verify(user, secret, actor);
  if (!verification.ok) {
    return verification.reason === 'wrong'
      ? refuse({ ok: false, reason: 'wrong', remaining: verification.remaining ?? 0 })
      : refuse({ ok: false, reason: verification.reason });
  }
  try {
    const receiptNumber = await deps.commits.run(() =>
      completeAndDebit(deps, draft, verifier.method, verification.consume, actor),
    );
    return { ok: true, receiptNumber };
  } catch (err) {
    if (err instanceof Refusal) return refuse({ ok: false, reason: err.reason });
    throw err;
  }
}

function completeAndDebit(
  deps: Deps,
  draft: Transfer,
  method: ConfirmationMethod,
  consume: () => boolean,
  actor: Actor,
): string {
  const { transfers, companies } = deps.repos;
  const now = deps.clock.now();
  if (!consume()) throw new Refusal('refused');
  const receiptNumber = transfers.complete(draft.id, method, now, jstDatePart(now));
  if (receiptNumber === undefined) {
    // Another request completed it first, or it expired while the secret was checked.
    throw new Refusal(transfers.find(draft.id)?.status === 'completed' ? 'completed' : 'expired');
  }
  if (!companies.debit(draft.companyId, draft.amount)) throw new Refusal('insufficient');
  deps.audit.record(actor, {
    event: 'transfer.confirm',
    outcome: 'success',
    subject: receiptNumber,
    detail: `amount=${draft.amount}`,
  });
  return receiptNumber;
}
