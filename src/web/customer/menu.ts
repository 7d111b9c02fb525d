import { Router } from 'express';
import type { Deps } from '../../deps';
import { companyOf } from '../../services/contracts';
import { previousLogin } from '../../services/loginHistory';
import { noticeFor } from '../../services/otp/expiry';
import { resyncTarget } from '../../services/otp/resync';
import { currentUser, requireLogin } from '../auth';
import { expiryNoticeLines } from './otpMessages';

export function menuRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', requireLogin, async (req, res) => {
    const user = currentUser(res);
    const company = await companyOf(deps.repos.companies, user);
    // The token that confirms this user's transfers: its 有効期限 notice and 同期ズレ補正 (issue 13).
    const token = await resyncTarget(deps.repos.registrations, user);
    const notice = token && noticeFor(token, deps.clock.now());
    // 前回ログイン日時 (issue 13): the login before the one that opened this session, as read at login; a
    // session opened before it was kept there (at most one absolute timeout after an upgrade) reads it now.
    const kept = req.session.previousLoginAt;
    const lastLoginAt = kept !== undefined ? (kept ?? undefined)
      : await previousLogin(deps.repos.loginHistory, user, req.session.loginAt ?? deps.clock.now());
    res.render('customer/menu', { title: 'メニュー', company, lastLoginAt, hasToken: token !== undefined, expiryLines: notice && expiryNoticeLines(notice, user) });
  });
  return router;
}
