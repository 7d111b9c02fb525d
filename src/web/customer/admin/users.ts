import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps';
import { loginIdSchema, newPasswordSchema, personNameSchema } from '../../../domain/credentials';
import { addUser, userList } from '../../../services/userAdmin';
import { currentUser, customerActor } from '../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../forms';
import { approvalMessage, approvalPasswordField } from './approval';

const addUserForm = z.object({
  loginId: loginIdSchema('ログインID'),
  name: personNameSchema('氏名'),
  password: newPasswordSchema('ログインパスワード'),
  transferPassword: newPasswordSchema('送信確認パスワード'),
  // An unticked checkbox is simply absent from the body.
  canTransfer: z.preprocess((v) => v === '1', z.boolean()),
  approvalPassword: approvalPasswordField,
});

const SECRETS = ['password', 'transferPassword', 'approvalPassword'] as const;

/** 利用者管理: the company's users and the 利用者追加 form. */
export function userRoutes(deps: Deps): Router {
  const router = Router();

  function render(res: Response, status: number, errors: FieldErrors, values: Record<string, string>): void {
    const rows = userList(deps.repos, currentUser(res));
    res.status(status).render('admin/users', { title: '利用者管理', rows, errors, values });
  }

  router.get('/users', (_req, res) => render(res, 200, {}, {}));

  router.post('/users', async (req, res) => {
    const values = keepValues(req.body, SECRETS);
    const form = parseForm(addUserForm, req.body);
    if (!form.ok) return render(res, 400, form.errors, values);
    const { approvalPassword, ...input } = form.data;
    const result = await addUser(deps, currentUser(res), input, approvalPassword, customerActor(req, res));
    if (!result.ok) {
      const errors: FieldErrors =
        result.reason === 'loginIdTaken'
          ? { loginId: 'このログインIDはすでに使用されています。' }
          : { approvalPassword: approvalMessage(result) };
      return render(res, 400, errors, values);
    }
    req.session.flash = '利用者を登録しました。';
    res.redirect(303, '/admin/users');
  });

  return router;
}
