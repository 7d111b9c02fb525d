import session from 'express-session';
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import type { Deps } from '../deps';
import { SessionStore } from '../repositories/sessions';
import { hostOnlyCookieName } from './cookies';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    companyId?: number;
    staffDbId?: number;
    loginAt?: number;
    /** 前回ログイン日時 as read at login (customers; null: the first login). Absent in sessions opened before it was kept. */
    previousLoginAt?: number | null;
    lastSeenAt?: number;
    flash?: string;
    /**
     * ワンタイムパスワード認証情報管理 across its screens (§3(3)): the users
     * selected with 選択 still to be handled, and the result ⑤ 登録完了 shows.
     */
    otpWizard?: { queue: number[]; done?: { subject: string; credentialId: string; operation: 'register' | 'unregister'; startedOtp: boolean } };
  }
}

export type Realm = 'customer' | 'staff';

const cookieNames: Record<Realm, string> = { customer: 'webfb.sid', staff: 'webfb.staff.sid' };

/** The session cookie's name: __Host- in production (src/web/cookies.ts). */
export function sessionCookieName(config: Pick<Config, 'env'>, realm: Realm): string {
  return hostOnlyCookieName(config, cookieNames[realm]);
}

/**
 * In production the public side of every connection is HTTPS — the service is
 * reached through TLS (HSTS says so on every answer) — whether or not the TLS
 * terminator is a trusted proxy (TRUST_PROXY). express-session sets a Secure
 * cookie only on a request it believes secure, so it is told so here: the
 * cookie is always Secure in production, never downgraded by a missing
 * X-Forwarded-Proto (issue 10). Development on http://localhost keeps 'auto'.
 */
function overHttps(inner: RequestHandler): RequestHandler {
  return (req, res, next) => {
    Object.defineProperty(req, 'secure', { value: true, configurable: true });
    inner(req, res, next);
  };
}

export interface SessionMiddleware {
  middleware: RequestHandler;
  store: SessionStore;
}

export function createSessionMiddleware(deps: Deps, realm: Realm): SessionMiddleware {
  const { config, storage, clock } = deps;
  // loadCustomer/loadStaff judge the idle timeout on the injected clock; the row
  // and the cookie live twice as long only so that the next request can still be
  // told "you were logged out for inactivity" instead of silently starting over.
  const keepMs = config.sessionIdleMs * 2;
  const store = new SessionStore(storage, realm, clock, keepMs);
  const production = config.env === 'production';
  const middleware = session({
    name: sessionCookieName(config, realm),
    // Without SESSION_SECRET (development, tests) a random per-process secret is
    // fine: sessions simply do not survive a restart. Production requires one.
    secret: config.sessionSecret ?? crypto.randomBytes(32).toString('hex'),
    store,
    // An unchanged session is neither saved nor reissued (issue 5: signing and
    // sending the cookie on every response cost the menu a few percent). While a
    // user is active, lastSeenAt moves at least once a minute, which saves the
    // row and reissues the cookie with its full lifetime, so neither runs out
    // under an active user; the timeouts themselves are judged on the server.
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      // Production: always Secure (see overHttps). Elsewhere 'auto' marks it Secure whenever the
      // request came over TLS (directly or through a trusted proxy's X-Forwarded-Proto).
      secure: production ? true : 'auto',
      maxAge: keepMs,
      path: '/',
    },
  });
  return { middleware: production ? overHttps(middleware) : middleware, store };
}

/** Regenerates the session id (fixation defence) and resolves with the new session. */
export function regenerateSession(req: Parameters<RequestHandler>[0]): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/**
 * Starts a signed-in session. The id is regenerated first: whatever id the
 * browser had before (perhaps planted by an attacker) is discarded with its
 * data, which defeats session fixation. The times feed the idle and absolute
 * timeouts.
 */
export async function startSignedInSession(
  req: Parameters<RequestHandler>[0],
  now: number,
  identity: { userId: number; companyId: number; previousLoginAt: number | null } | { staffDbId: number },
): Promise<void> {
  await regenerateSession(req);
  Object.assign(req.session, identity, { loginAt: now, lastSeenAt: now });
}

export function destroySession(req: Parameters<RequestHandler>[0]): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}

/** ログアウト: the session row is deleted and the browser told to drop its cookie. */
export async function signOut(
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
  realm: Realm,
  config: Pick<Config, 'env'>,
): Promise<void> {
  await destroySession(req);
  // A __Host- cookie is only replaced by one that is Secure with Path=/ as well.
  res.clearCookie(sessionCookieName(config, realm), { path: '/', httpOnly: true, sameSite: 'lax', secure: config.env === 'production' });
}

/** Moves a one-time notice into res.locals for the next rendered page. */
export const flash: RequestHandler = (req, res, next) => {
  if (req.session?.flash) {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
  next();
};
