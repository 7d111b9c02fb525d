/**
 * The rules of who holds which token (manual §2, §3(2)(3), Q1; R5, R7, R8),
 * as pure functions: the services refuse and the screens offer from these
 * alone, so a screen never offers what the service would refuse.
 */

/** 利用形態 (R5): individual = A 「管理者、利用者が異なるトークンを利用する。」, shared = B 「…同じトークンを利用する。」 */
export type UsageMode = 'individual' | 'shared';

/**
 * The slot of the company's primary token — the administrator's own (A) or
 * the one every user shares (B, stored without a user): its registration
 * starts OTP (R7), and only the branch removes it (R8, Q1).
 */
export function primaryHolder(usageMode: UsageMode, adminId: number): number | null {
  return usageMode === 'shared' ? null : adminId;
}

/** The company's primary registration among its registrations, if registered. */
export function primaryOf<R extends { userId: number | null }>(registrations: R[], usageMode: UsageMode | null, adminId: number): R | undefined {
  if (!usageMode) return undefined;
  const holder = primaryHolder(usageMode, adminId);
  return registrations.find((r) => r.userId === holder);
}

/** What is known of one user's token slot. */
export interface SlotFacts {
  usageMode: UsageMode | null;
  /** The user is the company's 管理者. */
  isAdmin: boolean;
  /** The primary token (the administrator's in A, the shared one in B) is registered. */
  primaryRegistered: boolean;
  /** The token that confirms this user's transfers is registered: the own one (A) or the shared one (B). */
  registered: boolean;
}

/**
 * Why 利用者のトークン登録・登録解除 (§3(3)②) can do nothing for a user:
 * no 利用形態 yet; the user's token is the primary one, removed only at the
 * branch (branchOnly) or registered on ④ トークン登録 (primaryMissing); or, in
 * A, the administrator's token must come first (adminFirst, §2).
 */
export type SlotBlock = 'noMode' | 'branchOnly' | 'primaryMissing' | 'adminFirst';

export interface SlotRule {
  /** What the per-user screen does for this user: the opposite of the token's state. */
  operation: 'register' | 'unregister';
  blocked: SlotBlock | null;
}

export function userSlotRule(f: SlotFacts): SlotRule {
  const operation = f.registered ? 'unregister' : 'register';
  if (!f.usageMode) return { operation, blocked: 'noMode' };
  if (f.usageMode === 'shared' || f.isAdmin) return { operation, blocked: f.registered ? 'branchOnly' : 'primaryMissing' };
  // A 利用者's own token: registered only after the administrator's (§2); removing it needs nothing first (Q1).
  if (!f.registered && !f.primaryRegistered) return { operation, blocked: 'adminFirst' };
  return { operation, blocked: null };
}

/** Why a requested registration or unregistration of a user's token is refused, or null when allowed. */
export type SlotRefusal = SlotBlock | 'registered' | 'notRegistered';

export function slotRefusal(rule: SlotRule, requested: 'register' | 'unregister'): SlotRefusal | null {
  // R8 first: removing the primary token is refused at the branch's door, whatever its state.
  if (requested === 'unregister' && (rule.blocked === 'branchOnly' || rule.blocked === 'primaryMissing')) return 'branchOnly';
  if (requested === 'register' && rule.blocked === 'branchOnly') return 'registered';
  if (rule.blocked) return rule.blocked;
  if (requested !== rule.operation) return requested === 'register' ? 'registered' : 'notRegistered';
  return null;
}
