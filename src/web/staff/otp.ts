import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { normalize } from '../../domain/text';
import { maskCredentialId } from '../../domain/token';
import { notFound } from '../../errors';
import { previewUnregisterAtBranch, unregisterAtBranch } from '../../services/otpBranch';
import { previewDriftReset, resetDriftAtBranch } from '../../services/otpDriftReset';
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
  /**
   * Which button was pressed: none on 契約先詳細 (次へ → the confirmation
   * screen), `confirm` for 確定 — the only one that unregisters — and `back`
   * for 戻る. A client that posts the fields without a step only ever sees
   * the confirmation screen.
   */
  step: z.enum(['confirm', 'back']).optional().catch(undefined),
});

const refusals = {
  notRegistered: { _form: '登録解除できるトークンがありません。' },
  duplicateRequest: { requestNumber: 'この書面受付番号はすでに登録されています。' },
} as const;

/**
 * Q1 at the branch: after the paper request has been received and the seal
 * checked, staff unregister the administrator's token (A) or the shared token
 * (B) — the customer side cannot (R8). One POST path, two steps: the form on
 * 契約先詳細 shows what would be removed and asks 確定 / 戻る; only 確定
 * (step=confirm, CSRF-protected like every POST) removes it. OTP stays started
 * (R7), so until the administrator registers again (§3(2)) nobody concerned
 * can confirm transfers.
 */
export function otpRoutes(deps: Deps): Router {
  const router = Router();

  router.post('/:id/admin-token/unregister', async (req, res) => {
    const companyId = idParam(req.params.id);
    const values = keepValues(req.body, ['step']);
    const form = parseForm(unregisterForm, req.body);
    if (!form.ok) return await renderCompany(deps, res, companyId, { errors: form.errors, values }, 400);
    const { requestNumber, step } = form.data;
    if (step === 'back') return await renderCompany(deps, res, companyId, { errors: {}, values });

    if (step !== 'confirm') {
      const preview = await previewUnregisterAtBranch(deps, companyId, requestNumber);
      if (!preview.ok) {
        if (preview.reason === 'notFound') throw notFound();
        return await renderCompany(deps, res, companyId, { errors: refusals[preview.reason], values }, 400);
      }
      // The token is shown masked, as on 契約先詳細 and in 書面受付履歴: the prefix and
      // the last four digits are what staff compare with the paper form, and a
      // Credential ID in full is needed only where it is typed (registration).
      return res.render('staff/unregisterConfirm', {
        title: '管理者トークン登録解除の確認',
        companyId,
        target: { ...preview, masked: maskCredentialId(preview.credentialId) },
        requestNumber,
      });
    }

    const result = await unregisterAtBranch(deps, companyId, requestNumber, staffActor(req, res));
    if (!result.ok) {
      if (result.reason === 'notFound') throw notFound();
      return await renderCompany(deps, res, companyId, { errors: refusals[result.reason], values }, 400);
    }
    req.session.flash = result.subject === '共用トークン' ? '共用トークンの登録を解除しました。' : '管理者のトークンの登録を解除しました。';
    res.redirect(303, `/staff/companies/${companyId}`);
  });

  /**
   * 同期ズレ補正のリセット (issue 13): 次へ on 契約先詳細 shows the token and the
   * drift that would be removed; only 確定 (step=confirm) resets it, 戻る goes back.
   */
  router.post('/:id/tokens/:tokenId/drift-reset', async (req, res) => {
    const companyId = idParam(req.params.id);
    const tokenId = idParam(req.params.tokenId);
    const step = typeof req.body?.step === 'string' ? req.body.step : undefined;
    if (step === 'back') return res.redirect(303, `/staff/companies/${companyId}`);
    if (step !== 'confirm') {
      const preview = await previewDriftReset(deps, companyId, tokenId);
      if (!preview.ok) {
        if (preview.reason === 'notFound') throw notFound();
        return await renderCompany(deps, res, companyId, { errors: { _form: NO_DRIFT }, values: {} }, 400);
      }
      return res.render('staff/driftResetConfirm', { title: '同期ズレ補正のリセットの確認', companyId, target: { ...preview, masked: maskCredentialId(preview.credentialId) } });
    }
    const result = await resetDriftAtBranch(deps, companyId, tokenId, staffActor(req, res));
    if (!result.ok) {
      if (result.reason === 'notFound') throw notFound();
      return await renderCompany(deps, res, companyId, { errors: { _form: NO_DRIFT }, values: {} }, 400);
    }
    req.session.flash = `トークン ${maskCredentialId(result.target.credentialId)} の同期ズレ補正をリセットしました。`;
    res.redirect(303, `/staff/companies/${companyId}`);
  });

  return router;
}

const NO_DRIFT = 'このトークンには同期ズレ補正の記録がないため、リセットするものはありません。';
