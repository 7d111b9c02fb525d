import { primaryOf, userSlotRule, type SlotRule, type UsageMode } from '../../domain/otpSlot';
import { notFound } from '../../errors';
import type { CredentialLocksRepository } from '../../repositories/credentialLocks';
import type { Registration, RegistrationsRepository } from '../../repositories/registrations';
import type { User, UsersRepository } from '../../repositories/users';

/**
 * ① ワンタイムパスワード認証情報 (§3(2)①, §3(3)①): what the company has —
 * its 利用形態, every user's token — and what each screen may offer, read
 * through the pure rules of src/domain/otpSlot.ts.
 */

type Repos = { registrations: RegistrationsRepository; users: UsersRepository };

export interface OtpOverview {
  usageMode: UsageMode | null;
  otpStartedAt: number | null;
  /** The token every user shares (B). */
  shared: Registration | undefined;
  /** The administrator's (A) or the shared (B) token: the one whose registration starts OTP (R7). */
  primary: Registration | undefined;
  users: { user: User; registration: Registration | undefined; otpLocked: boolean }[];
}

/** The mode and every user's token state; the branch console shows the same. */
export async function otpOverview(repos: Repos & { locks: CredentialLocksRepository }, companyId: number): Promise<OtpOverview> {
  const { registrations, users, locks } = repos;
  const state = await registrations.state(companyId);
  const all = await registrations.listForCompany(companyId);
  const locked = await locks.lockedKindsByUser(companyId);
  const members = await users.listByCompany(companyId);
  const admin = members.find((u) => u.role === 'admin');
  return {
    ...state,
    shared: all.find((r) => r.userId === null),
    primary: admin ? primaryOf(all, state.usageMode, admin.id) : undefined,
    users: members.map((user) => ({
      user,
      registration: all.find((r) => r.userId === user.id),
      otpLocked: locked.get(user.id)?.includes('otp') ?? false,
    })),
  };
}

/** A user of the administrator's company; another company's id reads as absent (404). */
export async function companyUser(users: UsersRepository, admin: User, userId: number): Promise<User> {
  const user = await users.findInCompany(admin.companyId, userId);
  if (!user) throw notFound();
  return user;
}

/** The primary token's slot for ④ トークン登録: the mode, and the primary registration if there is one. */
export async function primarySlot(registrations: RegistrationsRepository, admin: User): Promise<{ usageMode: UsageMode | null; registration: Registration | undefined }> {
  const { usageMode } = await registrations.state(admin.companyId);
  return { usageMode, registration: usageMode ? await registrations.forUser(admin.companyId, admin.id, usageMode) : undefined };
}

/** One user's token slot: the user, the token that confirms the user's transfers, and what may be done (the rule). */
export interface UserSlot extends SlotRule {
  user: User;
  usageMode: UsageMode | null;
  /** The own token (A) or the shared one (B). */
  registration: Registration | undefined;
}

/** One user of the administrator's company (another company's id: 404) and the state of its token. */
export async function userSlot(repos: Repos, admin: User, userId: number): Promise<UserSlot> {
  const user = await companyUser(repos.users, admin, userId);
  const { usageMode, registration: primary } = await primarySlot(repos.registrations, admin);
  const registration = usageMode ? await repos.registrations.forUser(admin.companyId, user.id, usageMode) : undefined;
  const rule = userSlotRule({ usageMode, isAdmin: user.role === 'admin', primaryRegistered: primary !== undefined, registered: registration !== undefined });
  return { user, usageMode, registration, ...rule };
}

/**
 * 選択 → 登録・登録解除 (§3(3)①): the chosen users of the own company in the
 * order of the list (another company's id: 404). In A an administrator
 * without a token starts at ④-1, since every other registration waits for it.
 */
export async function selectionPlan(repos: Repos, admin: User, userIds: number[]): Promise<{ queue: number[]; start: 'primary' | number }> {
  const chosen = new Set<number>();
  for (const id of userIds) chosen.add((await companyUser(repos.users, admin, id)).id);
  const queue = (await repos.users.listByCompany(admin.companyId)).map((u) => u.id).filter((id) => chosen.has(id));
  const { usageMode, registration } = await primarySlot(repos.registrations, admin);
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
  const { usageMode, shared, primary, users } = overview;
  return {
    modeFixed: shared !== undefined || users.some((u) => u.registration !== undefined),
    primaryRegistered: primary !== undefined,
    missing: usageMode === 'individual'
      ? users.filter((u) => u.user.role === 'user' && u.user.canTransfer && !u.registration).map((u) => u.user)
      : [],
  };
}
