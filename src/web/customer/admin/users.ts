import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps';
import { loginIdSchema, newPasswordSchema, personNameSchema } from '../../../domain/credentials';
import { optionalEmailSchema } from '../../../domain/email';
import { stepUpActive } from '../../../services/adminStepUp';
import { addUser, userList } from '../../../services/userAdmin';
import { currentUser, customerActor } from '../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../forms';
import { adminSecretFields, ADMIN_SECRETS } from './approval';
import { adminRefusalView } from './stepUp';

const addUserForm = z.object({
  loginId: loginIdSchema('ログインID'),
  name: personNameSchema('氏名'),
  // Where the user's notices go (issue 14); the user may change it later on メールアドレス設定.
  email: optionalEmailSchema('メールアドレス'),
  password: newPasswordSchema('ログインパスワード'),
  transferPassword: newPasswordSchema('送信確認パスワード'),
  // An unticked checkbox is simply absent from the body.
  canTransfer: z.preprocess((v) => v === '1', z.boolean()),
  ...adminSecretFields,
});

const SECRETS = ['password', 'transferPassword', ...ADMIN_SECRETS] as const;

/** 利用者管理: the company's users and the 利用者追加 form. */
export function userRoutes(deps: Deps): Router {
  const router = Router();

  async function render(res: Response, status: number, errors: FieldErrors, values: Record<string, string>): Promise<void> {
    const admin = currentUser(res);
    const rows = await userList(deps.repos, admin);
    res.status(status).render('admin/users', { title: '利用者管理', rows, errors, values, stepUp: await stepUpActive(deps.repos.registrations, admin) });
  }

  router.get('/users', async (_req, res) => await render(res, 200, {}, {}));

  router.post('/users', async (req, res) => {
    const values = keepValues(req.body, SECRETS);
    const form = parseForm(addUserForm, req.body);
    if (!form.ok) return await render(res, 400, form.errors, values);
    const { approvalPassword, otp, ...input } = form.data;
    const result = await addUser(deps, currentUser(res), input, { approvalPassword, otp }, customerActor(req, res));
    if (!result.ok) {
      if (result.reason === 'loginIdTaken') return await render(res, 400, { loginId: 'このログインIDはすでに使用されています。' }, values);
      const refused = adminRefusalView(result);
      return await render(res, refused.status, refused.errors, values);
    }
    req.session.flash = '利用者を登録しました。';
    res.redirect(303, '/admin/users');
  });

  return router;
}
