import type { Deps } from '../deps';
import type { Registration, UsageMode } from '../repositories/registrations';
import type { User } from '../repositories/users';
import { companyUser, type OtpOverview } from './otpRegistration';

/**
 * The reads the screens of ワンタイムパスワード認証情報管理 need on top of
 * otpRegistration: which token confirms whom, what a screen may offer, and
 * what the administrator still has to do (§2, §3(2)⑤, R7).
 */

export type Operation = 'register' | 'unregister';

/** The administrator's token (A) or the shared token (B): the one whose registration starts OTP (R7). */
export function primarySlot(deps: Deps, admin: User): { usageMode: UsageMode | null; registration: Registration | undefined } {
  const { usageMode } = deps.repos.registrations.state(admin.companyId);
  return { usageMode, registration: usageMode ? deps.repos.registrations.forUser(admin.companyId, admin.id, usageMode) : undefined };
}

/** What 利用者のトークン登録・登録解除 (§3(3)②) can do for one user now. */
export interface UserSlot {
  user: User;
  usageMode: UsageMode | null;
  /** The token that confirms this user's transfers: the own one (A) or the shared one (B). */
  registration: Registration | undefined;
  /** The operation a posted form must name; the other one comes from a page shown before a change. */
  operation: Operation;
  /**
   * Why the screen offers no form: no 利用形態 yet; the token is the
   * administrator's or the shared one, unregistered only at the branch (Q1,
   * R8) or registered on ④ (primaryMissing); the administrator's first (§2).
   */
  blocked: 'noMode' | 'branchOnly' | 'primaryMissing' | 'adminFirst' | null;
}

/** One user of the administrator's company (another company's id: 404) and the state of its token. */
export function userSlot(deps: Deps, admin: User, userId: number): UserSlot {
  const user = companyUser(deps, admin, userId);
  const { usageMode, registration: primary } = primarySlot(deps, admin);
  const registration = usageMode ? deps.repos.registrations.forUser(admin.companyId, user.id, usageMode) : undefined;
  const slot = { user, usageMode, registration, operation: registration ? 'unregister' : 'register' } as const;
  if (!usageMode) return { ...slot, blocked: 'noMode' };
  if (usageMode === 'shared' || user.role === 'admin') return { ...slot, blocked: registration ? 'branchOnly' : 'primaryMissing' };
  return { ...slot, blocked: primary ? null : 'adminFirst' };
}

/**
 * 選択 → 登録・登録解除 (§3(3)①): the chosen users of the own company in the
 * order of the list (another company's id: 404). In A an administrator
 * without a token starts at ④-1, since every other registration waits for it.
 */
export function selectionPlan(deps: Deps, admin: User, userIds: number[]): { queue: number[]; start: 'primary' | number } {
  const chosen = new Set(userIds.map((id) => companyUser(deps, admin, id).id));
  const queue = deps.repos.users.listByCompany(admin.companyId).map((u) => u.id).filter((id) => chosen.has(id));
  const { usageMode, registration } = primarySlot(deps, admin);
  if (chosen.has(admin.id) && usageMode === 'individual' && !registration) {
    return { queue: [admin.id, ...queue.filter((id) => id !== admin.id)], start: 'primary' };
  }
  return { queue, start: queue[0]! };
}

/** What ワンタイムパスワード認証情報 tells the administrator to do next. */
export interface OtpGuidance {
  /** R5: once any token is registered the 利用形態 can no longer change. */
  modeFixed: boolean;
  primaryRegistered: boolean;
  /** §2, R7: in A, the 利用者 with transfer authority and no token yet; they cannot confirm transfers. */
  missing: User[];
}

export function otpGuidance(overview: OtpOverview): OtpGuidance {
  const { usageMode, shared, users } = overview;
  const adminRow = users.find((u) => u.user.role === 'admin');
  return {
    modeFixed: shared !== undefined || users.some((u) => u.registration !== undefined),
    primaryRegistered: usageMode === 'shared' ? shared !== undefined : adminRow?.registration !== undefined,
    missing: usageMode === 'individual'
      ? users.filter((u) => u.user.role === 'user' && u.user.canTransfer && !u.registration).map((u) => u.user)
      : [],
  };
}
