import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import { forbidden } from '../errors';
import type { User } from '../repositories/users';
import { SESSION_REFRESH_STEP_MS } from '../repositories/sessions';
import type { Staff } from '../repositories/staff';
import type { Actor } from '../services/auditLog';
import { signedInUser } from '../services/customerAuth';
import { signedInStaff } from '../services/staffAuth';
import { destroySession } from './session';

/**
 * Ends a signed-in session that has been idle or alive too long. Judged on the
 * injected clock, so tests move time instead of waiting.
 */
function sessionExpired(deps: Deps, req: Request): boolean {
  const now = deps.clock.now();
  const { loginAt = 0, lastSeenAt = 0 } = req.session;
  return now - lastSeenAt > deps.config.sessionIdleMs || now - loginAt > deps.config.sessionAbsoluteMs;
}

/**
 * Moves the idle clock to now once it is a whole step behind; in between the
 * session stays unchanged, so express-session writes nothing (issue 5).
 */
function markSeen(deps: Deps, req: Request): void {
  const now = deps.clock.now();
  if (now - (req.session.lastSeenAt ?? 0) >= SESSION_REFRESH_STEP_MS) req.session.lastSeenAt = now;
}

export function loadCustomer(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId === undefined) return next();
    const user = await signedInUser(deps.repos.users, { userId, companyId: req.session.companyId });
    if (!user || sessionExpired(deps, req)) {
      await destroySession(req);
      return res.redirect(303, '/login?timeout=1');
    }
    markSeen(deps, req);
    res.locals.currentUser = user;
    next();
  };
}

export function loadStaff(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    const staffDbId = req.session?.staffDbId;
    if (staffDbId === undefined) return next();
    if (sessionExpired(deps, req)) {
      await destroySession(req);
      return res.redirect(303, '/staff/login?timeout=1');
    }
    markSeen(deps, req);
    // A staff account locked meanwhile (six wrong passwords elsewhere) ends its sessions too.
    const staff = await signedInStaff(deps.repos.staff, staffDbId);
    if (!staff) {
      await destroySession(req);
      return res.redirect(303, '/staff/login');
    }
    res.locals.currentStaff = staff;
    next();
  };
}

export const requireLogin: RequestHandler = (_req, res, next) =>
  res.locals.currentUser ? next() : res.redirect(303, '/login');

export const requireAdmin: RequestHandler = (_req, res, next) =>
  (res.locals.currentUser as User | undefined)?.role === 'admin' ? next() : next(forbidden());

export const requireStaff: RequestHandler = (_req, res, next) =>
  res.locals.currentStaff ? next() : res.redirect(303, '/staff/login');

export const currentUser = (res: Response): User => res.locals.currentUser as User;
export const currentStaff = (res: Response): Pick<Staff, 'id' | 'staffId' | 'name'> =>
  res.locals.currentStaff as Pick<Staff, 'id' | 'staffId' | 'name'>;

/** The audit actor of a customer request. */
export function customerActor(req: Request, res: Response): Actor {
  const user = res.locals.currentUser as User | undefined;
  return user
    ? { type: 'user', id: user.loginId, companyId: user.companyId, clientIp: req.ip ?? null }
    : { type: 'anonymous', id: '-', companyId: null, clientIp: req.ip ?? null };
}

export function staffActor(req: Request, res: Response): Actor {
  return { type: 'staff', id: currentStaff(res).staffId, companyId: null, clientIp: req.ip ?? null };
}
