import { Router } from 'express';
import type { Deps } from '../../deps';
import { openContract } from '../../services/contracts';
import { LoginIdTakenError } from '../../services/users';
import { parseForm, keepValues, renderInvalid } from '../forms';
import { staffActor } from '../auth';
import { contractForm, CONTRACT_SECRETS } from './contractForm';

const VIEW = 'staff/contractNew';
const TITLE = '契約登録';

/** 契約登録: a new contract, its representative account and its administrator. */
export function contractRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/new', (_req, res) => {
    res.render(VIEW, { title: TITLE, errors: {}, values: {} });
  });

  router.post('/new', async (req, res) => {
    const values = keepValues(req.body, CONTRACT_SECRETS);
    const form = parseForm(contractForm, req.body);
    if (!form.ok) return renderInvalid(res, VIEW, { title: TITLE, errors: form.errors, values });
    try {
      const company = await openContract(deps, form.data, staffActor(req, res));
      req.session.flash = `契約を登録しました（代表口座 普通 ${company.accountNumber}）。管理者に初期パスワードをお伝えください。`;
      res.redirect(303, `/staff/companies/${company.id}`);
    } catch (err) {
      if (!(err instanceof LoginIdTakenError)) throw err;
      const errors = { adminLoginId: 'この管理者ログインIDは既に使用されています。別のIDを入力してください。' };
      renderInvalid(res, VIEW, { title: TITLE, errors, values });
    }
  });

  return router;
}
