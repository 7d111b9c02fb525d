import type { Clock } from '../../clock';
import { daysLeft, expiryState, type ExpiryState } from '../../domain/tokenExpiry';
import type { Registration, RegistrationsRepository } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import { resyncTarget } from './resync';

/**
 * 有効期限 notices (issue 13, item 4): from EXPIRY_NOTICE_DAYS before a
 * token expires, the screens say when and what to do.
 */
export interface ExpiryNotice {
  expiresOn: string;
  state: Exclude<ExpiryState, 'valid'>;
  daysLeft: number;
  /** Whose token it is, which decides what to do: the administrator replaces the own (A) or the shared (B) one. */
  shared: boolean;
}

/** The notice for one registered token, or null while its 有効期限 is further than the notice period. */
export function noticeFor(registration: Pick<Registration, 'expiresOn' | 'userId'>, now: number): ExpiryNotice | null {
  const state = expiryState(registration.expiresOn, now);
  if (state === 'valid') return null;
  return { expiresOn: registration.expiresOn, state, daysLeft: daysLeft(registration.expiresOn, now), shared: registration.userId === null };
}

/** The notice for the token that confirms this user's transfers (own in A, shared in B), if any. */
export async function userExpiryNotice(deps: { clock: Clock; repos: { registrations: RegistrationsRepository } }, user: User): Promise<ExpiryNotice | null> {
  const target = await resyncTarget(deps.repos.registrations, user);
  return target ? noticeFor(target, deps.clock.now()) : null;
}
