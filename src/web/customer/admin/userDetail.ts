import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps';
import { newPasswordSchema } from '../../../domain/credentials';
import type { User } from '../../../repositories/users';
import type { ApprovalRefusal } from '../../../services/secretCheck';
import { managedUser, resetPasswords, unlockUser, userDetail } from '../../../services/userAdmin';
import { currentUser, customerActor } from '../../auth';
import { parseForm, type FieldErrors } from '../../forms';
import { idParam } from '../../params';
import { approvalMessage, approvalPasswordField } from './approval';

const unlockForm = z.object({ approvalPassword: approvalPasswordField });

// A new secret left empty is not changed; at least one of the two is required.
const optionalNewPassword = (label: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), newPasswordSchema(label).optional());
const resetForm = z
  .object({
    password: optionalNewPassword('新しいログインパスワード'),
    transferPassword: optionalNewPassword('新しい送信確認パスワード'),
    approvalPassword: approvalPasswordField,
  })
  .refine((d) => d.password !== undefined || d.transferPassword !== undefined, {
    message: '新しいログインパスワードまたは新しい送信確認パスワードを入力してください。',
    path: ['password'],
  });

type Form = 'unlock' | 'reset';
type Refusal = ApprovalRefusal | { reason: 'notLocked' };

/** Both forms on the page ask for the 承認用パスワード, so each gets its own field id. */
function withApprovalId(form: Form, errors: FieldErrors): FieldErrors {
  const { approvalPassword, ...rest } = errors;
  return approvalPassword === undefined ? rest : { ...rest, [`${form}ApprovalPassword`]: approvalPassword };
}

/** A user's page under 利用者管理: its state, ロック解除 and パスワード再設定. */
export function userDetailRoutes(deps: Deps): Router {
  const router = Router();

  function render(res: Response, status: number, target: User, errors: FieldErrors = {}): void {
    const { user, lockedKinds } = userDetail(deps.repos, currentUser(res), target.id);
    res.status(status).render('admin/user', { title: '利用者情報', user, lockedKinds, errors, values: {} });
  }

  function refuse(res: Response, user: User, form: Form, refusal: Refusal): void {
    if (refusal.reason === 'notLocked') return render(res, 400, user, { _form: 'この利用者はロックされていません。' });
    render(res, 400, user, withApprovalId(form, { approvalPassword: approvalMessage(refusal) }));
  }

  router.get('/users/:userId', (req, res) => {
    const { user } = userDetail(deps.repos, currentUser(res), idParam(req.params.userId));
    render(res, 200, user);
  });

  router.post('/users/:userId/unlock', async (req, res) => {
    const admin = currentUser(res);
    const actor = customerActor(req, res);
    // The target first: another company's id is 404 whatever the form holds.
    const user = managedUser(deps, admin, idParam(req.params.userId), actor);
    const form = parseForm(unlockForm, req.body);
    if (!form.ok) return render(res, 400, user, withApprovalId('unlock', form.errors));
    const result = await unlockUser(deps, admin, user.id, form.data.approvalPassword, actor);
    if (!result.ok) return refuse(res, user, 'unlock', result);
    req.session.flash = 'ロックを解除しました。';
    res.redirect(303, `/admin/users/${user.id}`);
  });

  router.post('/users/:userId/password', async (req, res) => {
    const admin = currentUser(res);
    const actor = customerActor(req, res);
    const user = managedUser(deps, admin, idParam(req.params.userId), actor);
    const form = parseForm(resetForm, req.body);
    if (!form.ok) return render(res, 400, user, withApprovalId('reset', form.errors));
    const { approvalPassword, ...secrets } = form.data;
    const result = await resetPasswords(deps, admin, user.id, secrets, approvalPassword, actor);
    if (!result.ok) return refuse(res, user, 'reset', result);
    req.session.flash = 'パスワードを再設定しました。';
    res.redirect(303, `/admin/users/${user.id}`);
  });

  return router;
}
