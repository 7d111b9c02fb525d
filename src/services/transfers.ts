import type { Clock } from '../clock';
import { jstDatePart } from '../domain/jst';
import { forbidden, notFound } from '../errors';
import type { CompaniesRepository } from '../repositories/companies';
import type { Transfer, TransfersRepository } from '../repositories/transfers';
import type { User } from '../repositories/users';
import type { Actor, AuditLog } from './auditLog';
import {
  confirmationBlock,
  confirmationFor,
  verifierFor,
  type Confirmation,
  type ConfirmationMethod,
  type VerificationRefusal,
} from './confirmation';
import type { FixedPasswordDeps } from './confirmation/fixedPassword';
import type { OtpVerifierDeps } from './confirmation/otp';
import { limitRefusal, type LimitRefusal, type LimitsDeps } from './limits';
import type { Notices } from './notices';

export type ConfirmOutcome =
  | { ok: true; receiptNumber: string }
  | { ok: false; reason: Refused | Exclude<VerificationRefusal['reason'], 'wrong'> }
  | Extract<VerificationRefusal, { reason: 'wrong' }>
  | LimitRefusal;

type Refused = 'completed' | 'expired' | 'insufficient';

/** Thrown inside the debit job so that its savepoint, and nothing else of the batch, is rolled back. */
class Refusal extends Error {
  constructor(readonly reason: Refused) {
    super(reason);
  }
}

export type Ledger = { transfers: TransfersRepository };
export type Registrations = { registrations: Parameters<typeof confirmationBlock>[0] };

/** Only users given transfer authority (利用者管理 canTransfer) may draft or confirm 都度振込. */
export function assertCanTransfer(user: User): void {
  if (!user.canTransfer) throw forbidden();
}

/** A transfer the user made; anyone else's id reads as absent (404), never as forbidden (R10). */
export async function findOwnTransfer(transfers: TransfersRepository, user: User, id: number): Promise<Transfer> {
  const transfer = await transfers.find(id);
  if (!transfer || transfer.userId !== user.id) throw notFound();
  return transfer;
}

/** The 明細 a user may open: their own, or, for the administrator, any completed one of the company. */
export async function findViewableTransfer(transfers: TransfersRepository, user: User, id: number): Promise<Transfer> {
  const transfer = await transfers.find(id);
  const own = transfer?.userId === user.id;
  const companyAdmin =
    user.role === 'admin' && transfer?.companyId === user.companyId && transfer.status === 'completed';
  if (!transfer || !(own || companyAdmin)) throw notFound();
  return transfer;
}

export const isExpired = (clock: Clock, transfer: Transfer): boolean => transfer.expiresAt <= clock.now();

/**
 * 振込内容確認 of one of the user's drafts: the draft (another user's id:
 * 404) and which secret confirms it (R7), read once for the request.
 */
export async function openConfirmation(
  repos: Ledger & Registrations,
  user: User,
  transferId: number,
): Promise<{ transfer: Transfer; confirmation: Confirmation }> {
  assertCanTransfer(user);
  return { transfer: await findOwnTransfer(repos.transfers, user, transferId), confirmation: await confirmationFor(repos.registrations, user) };
}

/** 振込履歴: the user's own completed transfers; the administrator sees the whole company's. */
export async function transferHistory(transfers: TransfersRepository, user: User, limit: number, offset: number): Promise<{ rows: Transfer[]; total: number }> {
  return user.role === 'admin'
    ? await transfers.listForCompany(user.companyId, limit, offset)
    : await transfers.listForUser(user.id, limit, offset);
}

export type ConfirmDeps = FixedPasswordDeps &
  OtpVerifierDeps &
  LimitsDeps & { repos: Ledger & { companies: CompaniesRepository } };

/**
 * 振込内容確認 → 確定 (R10). What cannot run inside a transaction (bcrypt)
 * is checked first; then checking and spending the secret, the
 * compare-and-set from draft, the debit and the audit entry are one job of
 * the group commit (src/db/groupCommit.ts): its own savepoint inside the
 * shared transaction, so a double click, a replay or a concurrent draft can
 * neither execute twice nor overdraw, a refusal for the draft or for funds
 * rolls back this confirmation alone — the code it spent included (R14) — and
 * the receipt is answered only once it is durable.
 */
export async function confirmTransfer(
  deps: ConfirmDeps,
  confirmation: Confirmation,
  user: User,
  draft: Transfer,
  secret: string,
  actor: Actor,
): Promise<ConfirmOutcome> {
  assertCanTransfer(user);
  // The draft as openConfirmation read it for this request; still someone else's transfer reads as absent (R10).
  if (draft.userId !== user.id) throw notFound();
  const refuse = async (outcome: Exclude<ConfirmOutcome, { ok: true }>): Promise<ConfirmOutcome> => {
    await deps.audit.record(actor, { event: 'transfer.confirm', outcome: 'failure', subject: `#${draft.id}`, detail: refusalDetail(outcome, draft) });
    return outcome;
  };
  if (draft.status === 'completed') return await refuse({ ok: false, reason: 'completed' });
  if (isExpired(deps.clock, draft)) return await refuse({ ok: false, reason: 'expired' });

  const verifier = verifierFor(deps, confirmation);
  const checked = verifier.precheck ? await verifier.precheck(user, secret, actor) : { ok: true as const };
  if (!checked.ok) return await refuse(checked);
  try {
    return await deps.storage.transaction(async (): Promise<ConfirmOutcome> => {
      // The company's ledger first (a row lock on PostgreSQL): its confirmations queue here, on any node, so
      // READ COMMITTED suffices — every row this job reads or writes belongs to the company (issue 12).
      await deps.repos.companies.lockLedger(user.companyId);
      // The draft first: a double click or an expired draft must neither spend nor count the secret (R14).
      await assertStillDraft(deps, draft);
      // 振込限度額 before the secret, so a refusal never spends the code typed (R14); read in this job, the
      // day's total cannot change before the completion below adds to it (issue 13).
      const overLimit = await limitRefusal(deps, user, draft.amount);
      if (overLimit) return await refuse(overLimit);
      const spent = await verifier.spend(user, secret, actor);
      if (!spent.ok) {
        // Returned, not thrown: the count and audit entry of a wrong secret commit with the batch.
        await deps.audit.record(actor, { event: 'transfer.confirm', outcome: 'failure', subject: `#${draft.id}`, detail: refusalDetail(spent, draft) });
        return spent;
      }
      return { ok: true, receiptNumber: await completeAndDebit(deps, draft, verifier.method, actor) };
    }, { durability: 'group', isolation: 'readCommitted' });
  } catch (err) {
    if (err instanceof Refusal) return await refuse({ ok: false, reason: err.reason });
    throw err;
  }
}

/** What the audit entry says was debited: the amount, and the fee where there is one. */
const debitDetail = (draft: Transfer): string => (draft.fee > 0 ? `amount=${draft.amount} fee=${draft.fee}` : `amount=${draft.amount}`);

const refusalDetail = (outcome: Exclude<ConfirmOutcome, { ok: true }>, draft: Transfer): string =>
  `reason=${outcome.reason} amount=${draft.amount}`;

async function assertStillDraft(deps: { clock: Clock; repos: Ledger }, draft: Transfer): Promise<void> {
  if (await deps.repos.transfers.status(draft.id) === 'completed') throw new Refusal('completed');
  if (isExpired(deps.clock, draft)) throw new Refusal('expired');
}

async function completeAndDebit(
  deps: { clock: Clock; audit: AuditLog; notices: Notices; repos: Ledger & { companies: CompaniesRepository } },
  draft: Transfer,
  method: ConfirmationMethod,
  actor: Actor,
): Promise<string> {
  const { transfers, companies } = deps.repos;
  const now = deps.clock.now();
  const receiptNumber = await transfers.complete(draft.id, method, now, jstDatePart(now));
  // Another request completed it first, or it expired while the secret was checked.
  if (receiptNumber === undefined) throw new Refusal(await transfers.status(draft.id) === 'completed' ? 'completed' : 'expired');
  // The amount and its fee leave the account together or not at all: one compare-and-set on the balance (R10, R14).
  if (!await companies.debit(draft.companyId, draft.amount + draft.fee)) throw new Refusal('insufficient');
  await deps.audit.record(actor, { event: 'transfer.confirm', outcome: 'success', subject: receiptNumber, detail: debitDetail(draft) });
  // 振込受付のお知らせ is due in this same savepoint (R16): a transfer rolled back leaves no notice, a completed one always has it.
  await deps.notices.transferAccepted(draft, receiptNumber, now);
  return receiptNumber;
}
