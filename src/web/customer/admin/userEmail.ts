import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps';
import { optionalEmailSchema } from '../../../domain/email';
import type { User } from '../../../repositories/users';
import { changeUserEmail, emailSettings } from '../../../services/emailAddresses';
import { managedUser } from '../../../services/userAdmin';
import { currentUser, customerActor } from '../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../forms';
import { idParam } from '../../params';
import { stepUpActive } from '../../../services/adminStepUp';
import { ADMIN_SECRETS, adminSecretFields } from './approval';
import { adminRefusalView } from './stepUp';

const emailForm = z.object({ email: optionalEmailSchema('メールアドレス'), ...adminSecretFields });

/** 利用者管理 → メールアドレスの変更 (issue 14): a 利用者's notice address, set by the administrator. */
export function userEmailRoutes(deps: Deps): Router {
  const router = Router();

  async function render(res: Response, status: number, user: User, errors: FieldErrors = {}, values?: Record<string, string>): Promise<void> {
    const { email } = await emailSettings(deps.repos, user);
    const stepUp = await stepUpActive(deps.repos.registrations, currentUser(res));
    res.status(status).render('admin/userEmail', { title: 'メールアドレスの変更', user, email, stepUp, errors, values: values ?? { email: email ?? '' } });
  }

  router.get('/users/:userId/email', async (req, res) => {
    await render(res, 200, await managedUser(deps, currentUser(res), idParam(req.params.userId), customerActor(req, res)));
  });

  router.post('/users/:userId/email', async (req, res) => {
    const admin = currentUser(res);
    const actor = customerActor(req, res);
    // The target first: another company's id is 404 whatever the form holds.
    const user = await managedUser(deps, admin, idParam(req.params.userId), actor);
    const values = keepValues(req.body, ADMIN_SECRETS);
    const form = parseForm(emailForm, req.body);
    if (!form.ok) return await render(res, 400, user, form.errors, values);
    const { email, ...secrets } = form.data;
    const result = await changeUserEmail(deps, admin, user.id, email, secrets, actor);
    if (!result.ok) {
      const refused = adminRefusalView(result);
      return await render(res, refused.status, user, refused.errors, values);
    }
    req.session.flash = result.changed ? 'メールアドレスを変更しました。' : 'メールアドレスは変更されていません（同じアドレスです）。';
    res.redirect(303, `/admin/users/${user.id}`);
  });

  return router;
}
