import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { setBankLimits } from '../../services/limits';
import { staffActor } from '../auth';
import { keepValues, parseForm } from '../forms';
import { bankLimitsErrors, limitFields } from '../limitForms';
import { idParam } from '../params';
import { renderCompany } from './companies';

/**
 * 振込限度額 on 契約先詳細 (issue 13): the bank sets a company's 1回あたり and
 * 1日あたり limits. The administrator's own lower limits stay as they are;
 * a lower bank limit caps them.
 */
export function limitsRoutes(deps: Deps): Router {
  const router = Router();
  const form = z.object(limitFields(deps.config.transferLimitYen));

  router.post('/:id/limits', async (req, res) => {
    const companyId = idParam(req.params.id);
    const values = keepValues(req.body, []);
    const parsed = parseForm(form, req.body);
    const limits = parsed.ok ? { perTransfer: parsed.data.perTransferLimit, daily: parsed.data.dailyLimit } : undefined;
    const errors = parsed.ok ? bankLimitsErrors(limits!) : parsed.errors;
    if (errors) return await renderCompany(deps, res, companyId, { errors, values }, 400);
    // Another company's id: 404 (companyLimits throws it), nothing written.
    await setBankLimits(deps, companyId, limits!, staffActor(req, res));
    req.session.flash = '振込限度額を設定しました。';
    res.redirect(303, `/staff/companies/${companyId}`);
  });

  return router;
}
