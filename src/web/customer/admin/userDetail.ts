import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps';
import { newPasswordSchema } from '../../../domain/credentials';
import type { User } from '../../../repositories/users';
import { stepUpActive } from '../../../services/adminStepUp';
import type { Actor } from '../../../services/auditLog';
import { setUserLimits, userLimits } from '../../../services/limits';
import { managedUser, resetPasswords, unlockUser, userDetail } from '../../../services/userAdmin';
import { setTransferAuthority } from '../../../services/userAuthority';
import { currentUser, customerActor } from '../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../forms';
import { invalidLimitsErrors, MAX_LIMIT, optionalLimitFields } from '../../limitForms';
import { idParam } from '../../params';
import { ADMIN_SECRETS, adminSecretFields } from './approval';
import { adminRefusalView, isAdminRefusal } from './stepUp';

const unlockForm = z.object(adminSecretFields);

// A new secret left empty is not changed; at least one of the two is required.
const optionalNewPassword = (label: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), newPasswordSchema(label).optional());
const resetForm = z
  .object({
    password: optionalNewPassword('新しいログインパスワード'),
    transferPassword: optionalNewPassword('新しい送信確認パスワード'),
    ...adminSecretFields,
  })
  .refine((d) => d.password !== undefined || d.transferPassword !== undefined, {
    message: '新しいログインパスワードまたは新しい送信確認パスワードを入力してください。',
    path: ['password'],
  });
// An unticked checkbox is simply absent from the body.
const authorityForm = z.object({ canTransfer: z.preprocess((v) => v === '1', z.boolean()), ...adminSecretFields });
const limitsForm = z.object({ ...optionalLimitFields(MAX_LIMIT), ...adminSecretFields });

type Form = 'unlock' | 'reset' | 'authority' | 'limits';
type Done = { ok: true } | { ok: false; reason: string };

/** Every form on the page asks for the 承認用パスワード and the code, so each gets its own field ids. */
const idsOf = (form: Form) => ({ approvalPassword: `${form}ApprovalPassword`, otp: `${form}Otp` });
function withFormIds(form: Form, errors: FieldErrors): FieldErrors {
  const ids = idsOf(form);
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k in ids ? ids[k as keyof typeof ids] : k, v]));
}

const flashes: Record<Form, string> = {
  unlock: 'ロックを解除しました。',
  reset: 'パスワードを再設定しました。',
  authority: '都度振込権限を変更しました。',
  limits: '振込限度額を設定しました。',
};

/** A user's page under 利用者管理: its state, ロック解除, パスワード再設定, 都度振込権限 and 振込限度額. */
export function userDetailRoutes(deps: Deps): Router {
  const router = Router();

  async function render(res: Response, status: number, target: User, errors: FieldErrors = {}, values: Record<string, string> = {}): Promise<void> {
    const admin = currentUser(res);
    const { user, lockedKinds } = await userDetail(deps.repos, admin, target.id);
    const limits = await userLimits(deps, user);
    // The limits form shows the user's own limits until something else was typed.
    const shown = { perTransferLimit: String(limits.own.perTransfer ?? ''), dailyLimit: String(limits.own.daily ?? ''), ...values };
    const stepUp = await stepUpActive(deps.repos.registrations, admin);
    res.status(status).render('admin/user', { title: '利用者情報', user, lockedKinds, limits, stepUp, errors, values: shown });
  }

  /** What a refusal says: the approval or the code beside its field, anything else about the form. */
  function refusalErrors(form: Form, refusal: { ok: false; reason: string }): { status: number; errors: FieldErrors } {
    if (isAdminRefusal(refusal)) return adminRefusalView(refusal, idsOf(form));
    const messages: Record<string, string> = {
      notLocked: 'この利用者はロックされていません。',
      unchanged: '都度振込権限は変更されていません。',
    };
    if (messages[refusal.reason]) return { status: 400, errors: { _form: messages[refusal.reason]! } };
    return { status: 400, errors: invalidLimitsErrors(refusal as Parameters<typeof invalidLimitsErrors>[0], '契約先の') };
  }

  /** One POST of the page: the target (another company's id: 404 whatever the form holds), the form, the service. */
  function post<S extends z.ZodType>(form: Form, schema: S, act: (admin: User, user: User, data: z.output<S>, actor: Actor) => Promise<Done>) {
    return async (req: Request, res: Response) => {
      const admin = currentUser(res);
      const actor = customerActor(req, res);
      const user = await managedUser(deps, admin, idParam(req.params.userId), actor);
      const values = keepValues(req.body, ['password', 'transferPassword', ...ADMIN_SECRETS]);
      const parsed = parseForm(schema, req.body);
      if (!parsed.ok) return await render(res, 400, user, withFormIds(form, parsed.errors), values);
      const result = await act(admin, user, parsed.data, actor);
      if (!result.ok) {
        const refused = refusalErrors(form, result);
        return await render(res, refused.status, user, refused.errors, values);
      }
      req.session.flash = flashes[form];
      res.redirect(303, `/admin/users/${user.id}`);
    };
  }

  router.get('/users/:userId', async (req, res) => {
    const { user } = await userDetail(deps.repos, currentUser(res), idParam(req.params.userId));
    await render(res, 200, user);
  });

  router.post('/users/:userId/unlock', post('unlock', unlockForm, (admin, user, { approvalPassword, otp }, actor) =>
    unlockUser(deps, admin, user.id, { approvalPassword, otp }, actor)));

  router.post('/users/:userId/password', post('reset', resetForm, (admin, user, { approvalPassword, otp, ...secrets }, actor) =>
    resetPasswords(deps, admin, user.id, secrets, { approvalPassword, otp }, actor)));

  router.post('/users/:userId/transfer-authority', post('authority', authorityForm, (admin, user, { canTransfer, approvalPassword, otp }, actor) =>
    setTransferAuthority(deps, admin, user, canTransfer, { approvalPassword, otp }, actor)));

  router.post('/users/:userId/limits', post('limits', limitsForm, (admin, user, { perTransferLimit, dailyLimit, approvalPassword, otp }, actor) =>
    setUserLimits(deps, admin, user, { perTransfer: perTransferLimit, daily: dailyLimit }, { approvalPassword, otp }, actor)));

  return router;
}
