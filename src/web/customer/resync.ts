import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { maskCredentialId } from '../../domain/token';
import type { User } from '../../repositories/users';
import { userExpiryNotice } from '../../services/otp/expiry';
import { resyncTarget, resyncToken, type ResyncResult } from '../../services/otp/resync';
import { currentUser, customerActor, requireLogin } from '../auth';
import { parseForm, type FieldErrors } from '../forms';
import { codeField, expiredMessage, expiryNoticeLines, RESYNC_PATH } from './otpMessages';

const resyncForm = z
  .object({ otp1: codeField('1つ目のワンタイムパスワード'), otp2: codeField('2つ目のワンタイムパスワード') })
  .refine((f) => f.otp1 !== f.otp2, {
    path: ['otp2'],
    message: '2つ目には、1つ目の次に表示された（新しい）ワンタイムパスワードを入力してください。',
  });

const DONE = '同期ズレ補正が完了しました。これからは、スマートフォンに表示されているワンタイムパスワードをそのままご利用いただけます。';
const NO_TOKEN = 'ワンタイムパスワードのトークンが登録されていないため、同期ズレ補正はご利用いただけません。';

function refusalErrors(result: Exclude<ResyncResult, { ok: true }>, user: User): { status: number; errors: FieldErrors } {
  switch (result.reason) {
    case 'wrong':
      return {
        status: 400,
        errors: {
          otp1: '２つのワンタイムパスワードを、続けて表示された正しいワンタイムパスワードとして確認できませんでした。' +
            '1つ目を入力したら、スマートフォンに次のワンタイムパスワードが表示されるまで待ち、それを2つ目に入力してください。' +
            `あと ${result.remaining} 回誤るとロックされます。`,
        },
      };
    case 'locked': {
      // R9: the administrator unlocks users; branch staff unlock the administrator.
      const whom = user.role === 'admin' ? 'お取引店にロック解除をお申し出ください' : '管理者に「利用者管理」でのロック解除を依頼してください';
      return { status: 403, errors: { otp1: `ワンタイムパスワードがロックされています。${whom}。` } };
    }
    case 'expired':
      return { status: 400, errors: { _form: expiredMessage(user) } };
    default:
      return { status: 403, errors: { _form: NO_TOKEN } };
  }
}

/**
 * 同期ズレ補正 (issue 13, item 3; DESIGN §9): any signed-in user whose
 * transfers a token confirms — the own one in A, the shared one in B (see
 * src/services/otp/resync.ts for why every user of B may) — types two
 * consecutive codes; the drift they prove is recorded.
 */
export function resyncRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();

  async function render(res: Response, status: number, errors: FieldErrors = {}): Promise<void> {
    const user = currentUser(res);
    const target = await resyncTarget(deps.repos.registrations, user);
    const notice = await userExpiryNotice(deps, user);
    res.status(status).render('otp/resync', {
      title: '同期ズレ補正',
      token: target && { masked: maskCredentialId(target.credentialId), shared: target.userId === null, expiresOn: target.expiresOn },
      noTokenMessage: NO_TOKEN,
      expiryLines: notice && expiryNoticeLines(notice, user),
      errors,
    });
  }

  router.get('/', requireLogin, async (_req, res) => await render(res, 200));

  router.post('/', requireLogin, otpLimit, async (req, res) => {
    const form = parseForm(resyncForm, req.body);
    if (!form.ok) return await render(res, 400, form.errors);
    const user = currentUser(res);
    const result = await resyncToken(deps, user, form.data.otp1, form.data.otp2, customerActor(req, res));
    if (!result.ok) {
      const { status, errors } = refusalErrors(result, user);
      return await render(res, status, errors);
    }
    req.session.flash = DONE;
    res.redirect(303, RESYNC_PATH);
  });

  return router;
}
