import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { normalize } from '../../domain/text';
import { notFound } from '../../errors';
import { unregisterAtBranch } from '../../services/otpBranch';
import { staffActor } from '../auth';
import { keepValues, parseForm } from '../forms';
import { idParam } from '../params';
import { renderCompany } from './companies';

/** 管理者トークン登録解除 (DESIGN §4 bank side): field names are the UI contract. */
const unregisterForm = z.object({
  // Upper-cased: "rq-1" and "RQ-1" are the same paper form.
  requestNumber: z.preprocess(
    (v) => normalize(v).toUpperCase(),
    z
      .string()
      .min(1, { message: '書面受付番号を入力してください。', abort: true })
      .regex(/^[A-Za-z0-9-]{1,20}$/, '書面受付番号は半角英数字と「-」で20文字以内で入力してください。'),
  ),
  // Q1: the request is valid only with the seal registered for the representative account (届出印).
  sealVerified: z.unknown().refine((v) => v === '1', '届出印を確認してください。'),
});

const refusals = {
  notRegistered: { _form: '登録解除できるトークンがありません。' },
  duplicateRequest: { requestNumber: 'この書面受付番号はすでに登録されています。' },
} as const;

/**
 * Q1 at the branch: after the paper request has been received and the seal
 * checked, staff unregister the administrator's token (A) or the shared token
 * (B) — the customer side cannot (R8). OTP stays started (R7), so until the
 * administrator registers again (§3(2)) nobody concerned can confirm transfers.
 */
export function otpRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/:id/admin-token/unregister', (req, res) => {
    const companyId = idParam(req.params.id);
    const values = keepValues(req.body, []);
    const form = parseForm(unregisterForm, req.body);
    if (!form.ok) return renderCompany(deps, res, companyId, { errors: form.errors, values }, 400);
    const result = unregisterAtBranch(deps, companyId, form.data.requestNumber, staffActor(req, res));
    if (!result.ok) {
      if (result.reason === 'notFound') throw notFound();
      return renderCompany(deps, res, companyId, { errors: refusals[result.reason], values }, 400);
    }
    req.session.flash = result.subject === '共用トークン' ? '共用トークンの登録を解除しました。' : '管理者のトークンの登録を解除しました。';
    res.redirect(303, `/staff/companies/${companyId}`);
  });

  return router;
}
