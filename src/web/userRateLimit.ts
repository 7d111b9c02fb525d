import { rateLimit } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import type { Deps } from '../deps';
import { DatabaseRateLimitStore } from './rateLimitStore';

/**
 * What every limiter of the service shares: a one-minute window counted in
 * the database under the limiter's own prefix, so that every node spends one
 * count (issue 12), the draft-8 RateLimit headers, and no warning when a
 * client sends X-Forwarded-For — without a trusted proxy it is ignored by
 * design (TRUST_PROXY, issue 10).
 */
export const perMinute = (deps: Deps, prefix: string, limit: number) =>
  ({
    windowMs: 60_000,
    limit,
    store: new DatabaseRateLimitStore(deps, prefix),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
  }) as const;

/**
 * Entries of one secret per signed-in user and minute (DESIGN §6), on top of
 * its lockout (R9): the lockout caps guesses in total, this caps their speed.
 * Keyed by user, so one office behind one address shares nothing, and a
 * limiter counts only the requests that carry its secret.
 */
function perUserRateLimit(deps: Deps, prefix: string, limit: number, carriesSecret: (req: Request) => boolean, message: string): RequestHandler {
  return rateLimit({
    ...perMinute(deps, prefix, limit),
    skip: (req) => req.method !== 'POST' || !carriesSecret(req),
    keyGenerator: (req) => `user:${String(req.session.userId ?? 'anonymous')}`,
    handler: (req, res) => {
      res.status(429).render('errors/error', { title: '操作が多すぎます', message, supportId: String(req.id) });
    },
  });
}

/** One-time-password entries, on every form that takes a code. */
export function otpRateLimit(deps: Deps): RequestHandler {
  return perUserRateLimit(
    deps,
    'otp:',
    deps.config.otpRateLimitPerMinute,
    () => true,
    'ワンタイムパスワードの入力が多すぎます。しばらくしてから再度お試しください。',
  );
}

/**
 * 承認用パスワード entries (issue 10): every administrator form that carries
 * the field counts — 利用者追加, ロック解除, パスワード再設定, トークン登録・登録解除 —
 * including forms added later, since the field itself is what is limited.
 */
export function approvalRateLimit(deps: Deps): RequestHandler {
  return perUserRateLimit(
    deps,
    'approvalPassword:',
    deps.config.approvalRateLimitPerMinute,
    (req) => typeof (req.body as Record<string, unknown> | undefined)?.approvalPassword === 'string',
    '承認用パスワードの入力が多すぎます。しばらくしてから再度お試しください。',
  );
}
