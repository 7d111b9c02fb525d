import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { emailSchema } from '../../domain/email';
import { normalizeDigits } from '../../domain/text';
import { confirmEmailChange, emailSettings, requestEmailChange, type ConfirmResult } from '../../services/emailAddresses';
import { currentUser, customerActor, requireLogin } from '../auth';
import { keepValues, parseForm, type FieldErrors } from '../forms';

const emailForm = z.object({ email: emailSchema('新しいメールアドレス') });
const codeForm = z.object({
  code: z.preprocess(normalizeDigits, z.string().min(1, '確認コードを入力してください。').regex(/^\d{6}$/, '確認コードは6桁の数字で入力してください。')),
});

const codeMessages: Record<Exclude<ConfirmResult, { ok: true }>['reason'], string> = {
  wrong: '',
  expired: '確認コードの有効期限が切れています。もう一度、新しいメールアドレスを入力して確認コードを受け取ってください。',
  exhausted: '確認コードを続けて誤ったため、このメールアドレスの変更を取り消しました。もう一度、新しいメールアドレスを入力してください。',
  noChange: '確認中のメールアドレスの変更はありません。新しいメールアドレスを入力してください。',
};

function codeMessage(result: Exclude<ConfirmResult, { ok: true }>): string {
  return result.reason === 'wrong'
    ? `確認コードが正しくありません。あと ${result.remaining} 回誤ると、このメールアドレスの変更は取り消されます。`
    : codeMessages[result.reason];
}

/**
 * メールアドレス設定 (issue 14): every signed-in user's own notice address,
 * changed in two steps — the new address gets a code, the code typed here
 * makes it the notice address and the old one is told.
 */
export function settingsRoutes(deps: Deps): Router {
  const router = Router();
  router.use(requireLogin);

  async function render(res: Response, status: number, errors: FieldErrors = {}, values: Record<string, string> = {}, codeForm = false): Promise<void> {
    const { email, pending } = await emailSettings(deps.repos, currentUser(res));
    const live = pending && pending.expiresAt > deps.clock.now() ? pending : undefined;
    res.status(status).render('customer/settings', { title: 'メールアドレス設定', email, pending: live, showCodeForm: codeForm || live !== undefined, errors, values });
  }

  router.get('/', async (_req, res) => await render(res, 200));

  router.post('/email', async (req, res) => {
    const values = keepValues(req.body, []);
    const form = parseForm(emailForm, req.body);
    if (!form.ok) return await render(res, 400, form.errors, values);
    const result = await requestEmailChange(deps, currentUser(res), form.data.email, customerActor(req, res));
    if (!result.ok) {
      const message =
        result.reason === 'unchanged'
          ? '現在のメールアドレスと同じです。変更する場合は新しいメールアドレスを入力してください。'
          : '確認コードを送信したばかりです。1分ほどおいてから、もう一度お試しください。';
      return await render(res, 400, { email: message }, values);
    }
    req.session.flash = `${form.data.email} に確認コードを送信しました。メールに記載の確認コードを入力してください。`;
    res.redirect(303, '/settings');
  });

  router.post('/email/confirm', async (req, res) => {
    const values = keepValues(req.body, []);
    const form = parseForm(codeForm, req.body);
    if (!form.ok) return await render(res, 400, form.errors, values, true);
    const result = await confirmEmailChange(deps, currentUser(res), form.data.code, customerActor(req, res));
    if (!result.ok) return await render(res, 400, { code: codeMessage(result) }, values, true);
    req.session.flash = `お知らせメールの送信先を ${result.email} に変更しました。`;
    res.redirect(303, '/settings');
  });

  return router;
}
