import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Uses } from '../deps';
import { allowance, excess, invalidLimits, jstDay, raises, within, type Allowance, type LimitExcess, type LimitInvalid, type Limits, type OwnLimits } from '../domain/limits';
import { notFound } from '../errors';
import type { CompanyLimitsRow, LimitsRepository } from '../repositories/limits';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { authorizeAdmin, spendStepUp, type AdminSecrets, type StepUpRefusal } from './adminStepUp';
import type { ApprovalRefusal, OtpDeps, PasswordCheckDeps } from './secretCheck';

/**
 * 振込限度額 (issue 13, item 1): the bank's limits for a company, the
 * company's own lower ones, today's allowance of a user, and who may change
 * what. The rules themselves are pure (src/domain/limits.ts).
 */

export type LimitsDeps = { config: Pick<Config, 'defaultLimits'>; repos: { limits: LimitsRepository } };

export interface CompanyLimits {
  /** Set by the bank (the configured default where the contract predates limits). */
  bank: Limits;
  /** What applies to the company: its own where lower than the bank's. */
  company: Limits;
}

export async function companyLimits(deps: LimitsDeps, companyId: number): Promise<CompanyLimits> {
  const row = await deps.repos.limits.company(companyId);
  if (!row) throw notFound();
  return effective(deps, row);
}

function effective(deps: LimitsDeps, row: CompanyLimitsRow): CompanyLimits {
  const bank = within(row.bank, deps.config.defaultLimits);
  // A bank limit set lower later still caps an older, higher company limit.
  return { bank, company: within(row.own, bank) };
}

/** A user's own limits and the company's they sit under, for 利用者管理. */
export async function userLimits(deps: LimitsDeps, user: User): Promise<{ company: Limits; own: OwnLimits }> {
  return { company: (await companyLimits(deps, user.companyId)).company, own: await deps.repos.limits.user(user.id) };
}

/** Today's (JST) allowance of a user: what may still be transferred, and the limits that bound it. */
export async function todayAllowance(deps: LimitsDeps & { clock: Clock }, user: User): Promise<Allowance & { used: { company: number; user: number } }> {
  const { start, end } = jstDay(deps.clock.now());
  // One read (issue 12: one round trip): asked inside every confirmation's transaction.
  const day = await deps.repos.limits.day(user.id, start, end);
  if (!day) throw notFound();
  return { ...allowance(effective(deps, day).company, day.user, day.used), used: day.used };
}

/** 振込限度額 of the company with what it transferred today (JST) and what is left of its daily limit. */
export async function companyLimitsToday(deps: LimitsDeps & { clock: Clock }, companyId: number): Promise<CompanyLimits & { usedToday: number; remainingToday: number }> {
  const limits = await companyLimits(deps, companyId);
  const { start, end } = jstDay(deps.clock.now());
  const usedToday = await deps.repos.limits.usedByCompany(companyId, start, end);
  return { ...limits, usedToday, remainingToday: Math.max(0, limits.company.daily - usedToday) };
}

export type LimitRefusal = { ok: false; reason: 'limit'; excess: LimitExcess; allowance: Allowance };

/**
 * Whether an amount fits today's allowance. Asked at 入力 and again inside
 * the confirmation's job, before its secret is spent (R14): jobs of the group
 * commit run one after another in one write transaction, so the sum read here
 * and the completion that adds to it cannot interleave with another
 * confirmation's.
 */
export async function limitRefusal(deps: LimitsDeps & { clock: Clock }, user: User, amount: number): Promise<LimitRefusal | null> {
  const today = await todayAllowance(deps, user);
  const over = excess(amount, today);
  return over ? { ok: false, reason: 'limit', excess: over, allowance: today } : null;
}

/** Limits above the level over them, or a 1回 limit above the 1日 one. */
export type InvalidLimitsRefusal = { ok: false; reason: LimitInvalid; above: Limits };
export type SetLimitsResult = { ok: true } | InvalidLimitsRefusal | ApprovalRefusal | StepUpRefusal;

const detailOf = (l: OwnLimits): string => `perTransfer=${l.perTransfer ?? '-'} daily=${l.daily ?? '-'}`;

/** The branch sets a company's limits (契約先詳細); anything up to the service's ceiling, 1回 ≤ 1日. */
export async function setBankLimits(deps: LimitsDeps & Uses<'storage' | 'audit' | 'notices'>, companyId: number, limits: Limits, actor: Actor): Promise<void> {
  await deps.storage.transaction(async () => {
    await companyLimits(deps, companyId);
    await deps.repos.limits.setBank(companyId, limits);
    await deps.audit.record(actor, { event: 'limits.bank', outcome: 'success', companyId, detail: detailOf(limits) });
    await deps.notices.limitsChanged(companyId, null, limits, '営業店');
  });
}

export type AdminLimitsDeps = LimitsDeps & PasswordCheckDeps & OtpDeps & Uses<'storage' | 'audit', 'registrations'>;

/**
 * 振込限度額 by the administrator: the company's own limits, never above the
 * bank's. Lowering needs the 承認用パスワード; raising, once OTP has started,
 * also the administrator's one-time password.
 */
export async function setCompanyLimits(
  deps: AdminLimitsDeps,
  admin: User,
  requested: Limits,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<SetLimitsResult> {
  const current = await companyLimits(deps, admin.companyId);
  const invalid = invalidLimits(requested, current.bank);
  if (invalid) return { ok: false, reason: invalid, above: current.bank };
  const action = raises(current.company, within(requested, current.bank)) ? 'raiseLimit' : 'lowerLimit';
  const authorized = await authorizeAdmin(deps, admin, action, secrets, actor);
  if (!authorized.ok) return authorized;
  return await deps.storage.transaction(async (): Promise<SetLimitsResult> => {
    // Read again: the branch may have lowered the bank's limits meanwhile; nothing is spent yet.
    const bank = (await companyLimits(deps, admin.companyId)).bank;
    const stillInvalid = invalidLimits(requested, bank);
    if (stillInvalid) return { ok: false, reason: stillInvalid, above: bank };
    const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
    if (code) return code;
    await deps.repos.limits.setCompany(admin.companyId, requested);
    await deps.audit.record(actor, { event: 'limits.company', outcome: 'success', detail: detailOf(requested) });
    await deps.notices.limitsChanged(admin.companyId, null, requested, `管理者（${admin.loginId}）`);
    return { ok: true };
  });
}

/**
 * A 利用者's own limits, set by the administrator under the company's
 * (null: none of its own). Raising what the user may transfer needs the code.
 */
export async function setUserLimits(
  deps: AdminLimitsDeps,
  admin: User,
  target: User,
  requested: OwnLimits,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<SetLimitsResult> {
  const { company } = await companyLimits(deps, admin.companyId);
  const invalid = invalidLimits(requested, company);
  if (invalid) return { ok: false, reason: invalid, above: company };
  const before = within(await deps.repos.limits.user(target.id), company);
  const action = raises(before, within(requested, company)) ? 'raiseLimit' : 'lowerLimit';
  const authorized = await authorizeAdmin(deps, admin, action, secrets, actor);
  if (!authorized.ok) return authorized;
  return await deps.storage.transaction(async (): Promise<SetLimitsResult> => {
    const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
    if (code) return code;
    await deps.repos.limits.setUser(target.id, requested);
    await deps.audit.record(actor, { event: 'limits.user', outcome: 'success', subject: target.loginId, detail: detailOf(requested) });
    await deps.notices.limitsChanged(admin.companyId, target.id, within(requested, company), `管理者（${admin.loginId}）`);
    return { ok: true };
  });
}
