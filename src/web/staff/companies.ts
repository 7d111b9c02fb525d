import { Router, type Response } from 'express';
import type { Deps } from '../../deps';
import { notFound } from '../../errors';
import { normalize } from '../../domain/text';
import { maskCredentialId } from '../../domain/token';
import type { Registration } from '../../repositories/registrations';
import { companyLimitsToday } from '../../services/limits';
import { companyLogins } from '../../services/loginHistory';
import { otpOverview } from '../../services/otp/overview';
import { companyDetail, paperRequests, searchCompanies, unlockCompanyUser } from '../../services/staffConsole';
import { undeliveredMails } from '../../services/mailOps';
import type { FieldErrors } from '../forms';
import { USAGE_MODE_LABELS } from '../format';
import { fetchPage } from '../paging';
import { idParam } from '../params';
import { staffActor } from '../auth';


/**
 * The ワンタイムパスワード section of 契約先詳細, shaped for the view. Every token ID
 * on the console is masked the same way (prefix and last four digits), the
 * one the unregistration would remove included: those are what staff compare
 * with the paper form, and the ID in full is needed only where it is typed
 * (registration). It stays in full in the 書面受付 record (paper_requests).
 */
async function otpSection(deps: Deps, companyId: number) {
  // Q1/R8: the one token only the branch may remove is the primary one — the administrator's (A) or the shared one (B).
  const { usageMode, otpStartedAt, shared, primary, users } = await otpOverview(deps.repos, companyId);
  const tokenOf = (registration: Registration | undefined): string => {
    if (usageMode === 'shared') return shared ? '共用トークン' : '未登録';
    return registration ? maskCredentialId(registration.credentialId) : '未登録';
  };
  return {
    usageMode,
    modeLabel: usageMode ? USAGE_MODE_LABELS[usageMode] : '未設定',
    otpStartedAt,
    sharedToken: shared && maskCredentialId(shared.credentialId),
    users: users.map(({ user, registration }) => ({ user, token: tokenOf(registration) })),
    // 同期ズレ補正 and 有効期限 of every registered token (issue 13): the shared one (B) or each user's (A).
    tokens: (usageMode === 'shared' ? (shared ? [{ holder: '共用トークン', registration: shared }] : [])
      : users.flatMap(({ user, registration }) => (registration ? [{ holder: `${user.name}（${user.loginId}）`, registration }] : [])))
      .map(({ holder, registration }) => ({ holder, tokenId: registration.tokenId, masked: maskCredentialId(registration.credentialId), drift: registration.drift, expiresOn: registration.expiresOn })),
    primary: primary && { masked: maskCredentialId(primary.credentialId), registeredAt: primary.registeredAt },
    admin: users.find((u) => u.user.role === 'admin')?.user,
    paperRequests: (await paperRequests(deps.repos.registrations, companyId))
      .map((p) => ({ ...p, masked: maskCredentialId(p.credentialId) })),
  };
}

export interface UnregisterFormState {
  errors: FieldErrors;
  values: Record<string, string>;
}

/** 契約先詳細 with its OTP section; the 管理者トークン登録解除 form re-renders through here with 400. */
export async function renderCompany(deps: Deps, res: Response, companyId: number, form: UnregisterFormState = { errors: {}, values: {} }, status = 200): Promise<void> {
  const detail = await companyDetail(deps, companyId);
  if (!detail) throw notFound();
  const mails = await undeliveredMails(deps.repos.outbox, companyId);
  // 振込限度額 and the recent logins (issue 13); the limits form shows the bank's limits until something was typed.
  const limits = await companyLimitsToday(deps, companyId);
  const values = { perTransferLimit: String(limits.bank.perTransfer), dailyLimit: String(limits.bank.daily), ...form.values };
  const logins = await companyLogins(deps.repos.loginHistory, companyId);
  res.status(status).render('staff/company', { title: '契約先詳細', ...detail, otp: await otpSection(deps, companyId), mails, limits, logins, ...form, values });
}

/** 契約先検索 and 契約先詳細 with ロック解除. */
export function companyRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    // Searched by 契約先名, 代表口座 number or a user's ログインID (NFKC, so
    // full-width digits typed on a Japanese IME match too).
    const q = normalize(req.query.q).slice(0, 64);
    const query = q ? `q=${encodeURIComponent(q)}` : '';
    const { rows, pager } = await fetchPage(req.query.page, async (limit, offset) => await searchCompanies(deps.repos.companies, q, limit, offset), query);
    res.render('staff/companies', { title: '契約先検索', q, rows, pager });
  });

  router.get('/:id', async (req, res) => {
    await renderCompany(deps, res, idParam(req.params.id));
  });

  router.post('/:id/users/:userId/unlock', async (req, res) => {
    const companyId = idParam(req.params.id);
    const result = await unlockCompanyUser(deps, companyId, idParam(req.params.userId), staffActor(req, res));
    if (!result.found) throw notFound();
    req.session.flash =
      result.kinds.length > 0
        ? `${result.user.name}（${result.user.loginId}）のロックを解除しました。`
        : `${result.user.name}（${result.user.loginId}）はロックされていません。`;
    res.redirect(303, `/staff/companies/${companyId}`);
  });

  return router;
}
