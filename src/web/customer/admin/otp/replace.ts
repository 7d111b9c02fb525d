import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../../deps';
import { credentialIdField, maskCredentialId } from '../../../../domain/token';
import { noticeFor } from '../../../../services/otp/expiry';
import { replaceSlot, replaceToken, type ReplaceResult, type ReplaceSlot } from '../../../../services/otp/replacement';
import { currentUser, customerActor } from '../../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../../forms';
import { idParam } from '../../../params';
import { codeField } from '../../otpMessages';
import { approvalPasswordField } from '../approval';
import { OTP_REPLAYED_MESSAGE, refusalView, STALE_MESSAGE } from './forms';

const replaceForm = z.object({
  oldOtp: codeField('現在のトークンのワンタイムパスワード'),
  credentialId: credentialIdField,
  otp: codeField('新しいトークンのワンタイムパスワード'),
  approvalPassword: approvalPasswordField,
});
/** Codes are single-use and the password a secret: only the new トークンID is refilled. */
const SECRETS = ['oldOtp', 'otp', 'approvalPassword'] as const;

const OLD_LOCKED = 'ワンタイムパスワードがロックされています。お取引店にお問い合わせください。';

/** What a refused switch says, beside the field it concerns (the new token's refusals as on ④ トークン登録). */
function replaceRefusal(result: Exclude<ReplaceResult, { ok: true }>, slot: ReplaceSlot): { status: number; errors: FieldErrors; resyncLink?: true } {
  switch (result.reason) {
    case 'notRegistered':
      return { status: 400, errors: { _form: 'この利用者にはトークンが登録されていないため、切替はできません。「登録・登録解除」から登録してください。' } };
    case 'sameToken':
      return { status: 400, errors: { credentialId: '現在のトークンと同じトークンIDです。新しいソフトウェアトークンのトークンIDを入力してください。' } };
    case 'stale':
      return { status: 409, errors: { _form: STALE_MESSAGE } };
    case 'oldCodeWrong': {
      const left = `あと ${result.remaining} 回誤るとロックされます。`;
      if (!result.outOfSync) return { status: 400, errors: { oldOtp: `現在のトークンのワンタイムパスワードが正しくありません。${left}` } };
      return {
        status: 400,
        errors: { oldOtp: `現在のトークンの時刻がずれている可能性があります。トークンをお使いの方が「同期ズレ補正」を行ってから、もう一度お試しください。${left}` },
        resyncLink: true,
      };
    }
    case 'oldCodeLocked':
      return { status: 403, errors: { oldOtp: OLD_LOCKED } };
    case 'oldCodeReplayed':
      return { status: 400, errors: { oldOtp: OTP_REPLAYED_MESSAGE } };
    case 'oldExpired': {
      const primary = slot.registration?.userId === null || slot.user.role === 'admin';
      const todo = primary
        ? '管理者のトークン（共用トークン）の登録解除は、お取引店の窓口で書面によるお手続きが必要です。'
        : '「登録・登録解除」で登録を解除してから、新しいトークンを登録してください。';
      return { status: 400, errors: { _form: `現在のトークンは有効期限が切れているため、切替はできません。${todo}` } };
    }
    default:
      return refusalView(result);
  }
}

/**
 * トークン切替 (issue 13, item 4; DESIGN §9): /admin/otp/users/:userId/replace
 * with oldOtp, credentialId, otp and approvalPassword. In B every user's
 * token is the shared one, so any user's page switches the shared token.
 */
export function otpReplaceRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();

  function render(res: Response, slot: ReplaceSlot, status = 200, errors: FieldErrors = {}, values: Record<string, string> = {}): void {
    const { registration } = slot;
    const notice = registration && noticeFor(registration, deps.clock.now());
    res.status(status).render('admin/otp/replace', {
      title: 'トークン切替',
      slot,
      current: registration && { masked: maskCredentialId(registration.credentialId), expiresOn: registration.expiresOn, shared: registration.userId === null },
      expiring: notice,
      errors,
      values,
    });
  }

  router.get('/otp/users/:userId/replace', async (req, res) => {
    render(res, await replaceSlot(deps, currentUser(res), idParam(req.params.userId)));
  });

  router.post('/otp/users/:userId/replace', otpLimit, async (req, res) => {
    const admin = currentUser(res);
    // The user first: another company's id is 404 whatever the form holds.
    const slot = await replaceSlot(deps, admin, idParam(req.params.userId));
    const values = keepValues(req.body, SECRETS);
    const form = parseForm(replaceForm, req.body);
    if (!form.ok) return render(res, slot, 400, form.errors, values);
    const result = await replaceToken(deps, admin, slot.user.id, form.data, customerActor(req, res));
    if (!result.ok) {
      const view = replaceRefusal(result, slot);
      if (view.resyncLink) res.locals.resyncLink = true;
      // Read again: a refusal may come from a slot that changed meanwhile.
      return render(res, await replaceSlot(deps, admin, slot.user.id), view.status, view.errors, values);
    }
    req.session.flash =
      `トークンの切替が完了しました（${result.subject === '共用トークン' ? '共用トークン' : `${slot.user.loginId}（${slot.user.name}）`}：` +
      `${maskCredentialId(result.oldCredentialId)} → ${maskCredentialId(result.credentialId)}）。これまでのトークンは利用できなくなりました。`;
    res.redirect(303, '/admin/otp');
  });

  return router;
}
