import { Router } from 'express';
import type { Deps } from '../../deps';
import { notFound } from '../../errors';
import { normalize } from '../../domain/text';
import { companyDetail, unlockCompanyUser } from '../../services/staffConsole';
import { fetchPage } from '../paging';
import { staffActor } from '../auth';

/** A route id: digits only, else the page does not exist. */
function idParam(value: unknown): number {
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : 0;
  if (id < 1) throw notFound();
  return id;
}

/** 契約先検索 and 契約先詳細 with ロック解除. */
export function companyRoutes(deps: Deps): Router {
  const router = Router();
  const { companies } = deps.repos;

  router.get('/', (req, res) => {
    // Searched by 契約先名, 代表口座 number or a user's ログインID (NFKC, so
    // full-width digits typed on a Japanese IME match too).
    const q = normalize(req.query.q).slice(0, 64);
    const query = q ? `q=${encodeURIComponent(q)}` : '';
    const { rows, pager } = fetchPage(req.query.page, (limit, offset) => companies.search(q, limit, offset), query);
    res.render('staff/companies', { title: '契約先検索', q, rows, pager });
  });

  router.get('/:id', (req, res) => {
    const detail = companyDetail(deps, idParam(req.params.id));
    if (!detail) throw notFound();
    res.render('staff/company', { title: '契約先詳細', ...detail });
  });

  router.post('/:id/users/:userId/unlock', (req, res) => {
    const companyId = idParam(req.params.id);
    const result = unlockCompanyUser(deps, companyId, idParam(req.params.userId), staffActor(req, res));
    if (!result.found) throw notFound();
    req.session.flash =
      result.kinds.length > 0
        ? `${result.user.name}（${result.user.loginId}）のロックを解除しました。`
        : `${result.user.name}（${result.user.loginId}）はロックされていません。`;
    res.redirect(303, `/staff/companies/${companyId}`);
  });

  return router;
}
