import type { Clock } from '../clock';
import type { Config } from '../config';
import { findBank, findBranch } from '../domain/banks';
import { transferFee } from '../domain/fees';
import type { TransferInput } from '../repositories/transfers';
import type { User } from '../repositories/users';
import type { Actor, AuditLog } from './auditLog';
import { confirmationBlock, type ConfirmationBlock } from './confirmation';
import { limitRefusal, type LimitRefusal, type LimitsDeps } from './limits';
import { assertCanTransfer, type Ledger, type Registrations } from './transfers';

/** 都度振込 入力 → 次へ: who may start a transfer, and the draft with its names and fee (issue 15). */

/**
 * 都度振込 入力 is opened: whether this user can confirm a transfer at all
 * (R7), so that the first screen says what to do before anything is typed
 * (issue 15). The rule is the confirmation seam's (confirmationBlock).
 */
export async function transferBlock(repos: Registrations, user: User): Promise<ConfirmationBlock | null> {
  assertCanTransfer(user);
  return await confirmationBlock(repos.registrations, user);
}

export type DraftOutcome =
  | { ok: true; id: number }
  | { ok: false; reason: ConfirmationBlock | 'unknownBank' }
  | { ok: false; reason: 'unknownBranch'; bankName: string }
  | LimitRefusal;

/**
 * 都度振込 入力 → 次へ: the destination must exist in the zengin dataset; its
 * names and the 振込手数料 are fixed on the draft, so that 振込内容確認 shows
 * what will be debited and the history never changes with the dataset or the
 * fee table.
 */
export async function createDraft(
  deps: LimitsDeps & { clock: Clock; audit: AuditLog; config: Pick<Config, 'draftTtlMs' | 'transferFees'>; repos: Ledger & Registrations },
  user: User,
  input: TransferInput,
  actor: Actor,
): Promise<DraftOutcome> {
  const blocked = await transferBlock(deps.repos, user);
  if (blocked) return { ok: false, reason: blocked };
  const bank = findBank(input.bankCode);
  if (!bank) return { ok: false, reason: 'unknownBank' };
  const branch = findBranch(input.bankCode, input.branchCode);
  if (!branch) return { ok: false, reason: 'unknownBranch', bankName: bank.name };
  // 振込限度額 (issue 13): refused here with the day's remaining allowance; checked again at 確定.
  const overLimit = await limitRefusal(deps, user, input.amount);
  if (overLimit) {
    const detail = `reason=${overLimit.excess} amount=${input.amount} remaining=${overLimit.allowance.remainingToday}`;
    await deps.audit.record(actor, { event: 'transfer.limit', outcome: 'failure', subject: user.loginId, detail });
    return overLimit;
  }
  const now = deps.clock.now();
  const id = await deps.repos.transfers.insertDraft({
    ...input,
    bankName: bank.name,
    branchName: branch.name,
    fee: transferFee(deps.config.transferFees, input),
    companyId: user.companyId,
    userId: user.id,
    createdAt: now,
    expiresAt: now + deps.config.draftTtlMs,
  });
  return { ok: true, id };
}
