import { Router } from 'express';
import type { Deps } from '../../deps';
import { openContract } from '../../services/contracts';
import { LoginIdTakenError } from '../../services/users';
import { parseForm, keepValues, renderInvalid } from '../forms';
import { bankLimitsErrors, optionalLimitFields } from '../limitForms';
import { staffActor } from '../auth';
import { contractForm, CONTRACT_SECRETS } from './contractForm';

const VIEW = 'staff/contractNew';
const TITLE = '契約登録';

/** 契約登録: a new contract, its representative account and its administrator. */
export function contractRoutes(deps: Deps): Router {
  const router = Router();
  // 振込限度額 (issue 13): left empty (or not posted at all), the configured defaults.
  const form = contractForm.extend(optionalLimitFields(deps.config.transferLimitYen));
  const defaults = deps.config.defaultLimits;

  router.get('/new', (_req, res) => {
    const values = { perTransferLimit: String(defaults.perTransfer), dailyLimit: String(defaults.daily) };
    res.render(VIEW, { title: TITLE, errors: {}, values });
  });

  router.post('/new', async (req, res) => {
    const values = keepValues(req.body, CONTRACT_SECRETS);
    const parsed = parseForm(form, req.body);
    if (!parsed.ok) return renderInvalid(res, VIEW, { title: TITLE, errors: parsed.errors, values });
    const { perTransferLimit, dailyLimit, ...input } = parsed.data;
    const limits = { perTransfer: perTransferLimit ?? defaults.perTransfer, daily: dailyLimit ?? defaults.daily };
    const invalid = bankLimitsErrors(limits);
    if (invalid) return renderInvalid(res, VIEW, { title: TITLE, errors: invalid, values });
    try {
      const company = await openContract(deps, { ...input, limits }, staffActor(req, res));
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
