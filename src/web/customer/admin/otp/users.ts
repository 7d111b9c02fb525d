import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../../deps';
import { stepUpActive } from '../../../../services/adminStepUp';
import type { Actor } from '../../../../services/auditLog';
import { userSlot, type UserSlot } from '../../../../services/otp/overview';
import { registerUserToken, unregisterUserToken } from '../../../../services/otp/registration';
import type { User } from '../../../../repositories/users';
import { currentUser, customerActor } from '../../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../../forms';
import { idParam } from '../../../params';
import { adminRefusalView, isStepUpRefusal } from '../stepUp';
import { BRANCH_ONLY_MESSAGE, finishStep, refusalView, registerForm, SECRETS, STALE_MESSAGE, subjectOf, unregisterForm } from './forms';

type Outcome = { ok: true; credentialId: string } | { status: number; errors: FieldErrors };

/** §3(3) 利用者のトークン登録・登録解除 (§3(3)②, Q1): one selected user's token. */
export function otpUserRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();

  async function render(req: Request, res: Response, slot: UserSlot, status = 200, errors: FieldErrors = {}, values: Record<string, string> = {}): Promise<void> {
    const queue = req.session.otpWizard?.queue ?? [];
    const at = queue.indexOf(slot.user.id);
    res.status(status).render('admin/otp/user', {
      title: '利用者のトークン登録・登録解除',
      slot,
      stepUp: await stepUpActive(deps.repos.registrations, currentUser(res)),
      branchOnlyMessage: BRANCH_ONLY_MESSAGE,
      // Where nothing can be done here, the queue of selected users still leads on.
      nextUserId: at === -1 ? undefined : queue[at + 1],
      errors,
      values,
    });
  }

  async function register(admin: User, slot: UserSlot, body: unknown, actor: Actor): Promise<Outcome> {
    const form = parseForm(registerForm, body);
    if (!form.ok) return { status: 400, errors: form.errors };
    // The service refuses from the same slot rule the screen offers from (④ registers the primary token).
    const result = await registerUserToken(deps, admin, slot.user.id, form.data, actor);
    return result.ok ? result : refusalView(result);
  }

  async function unregister(admin: User, slot: UserSlot, body: unknown, actor: Actor): Promise<Outcome> {
    const form = parseForm(unregisterForm, body);
    if (!form.ok) return { status: 400, errors: form.errors };
    // The service itself refuses the administrator's and the shared token (R8), and audits the attempt.
    const result = await unregisterUserToken(deps, admin, slot.user.id, form.data, actor);
    if (result.ok) return result;
    return isStepUpRefusal(result) ? adminRefusalView(result) : refusalView(result);
  }

  router.get('/otp/users/:userId', async (req, res) => {
    await render(req, res, await userSlot(deps.repos, currentUser(res), idParam(req.params.userId)));
  });

  router.post('/otp/users/:userId', otpLimit, async (req, res) => {
    const admin = currentUser(res);
    // The user first: another company's id is 404 whatever the form holds.
    const slot = await userSlot(deps.repos, admin, idParam(req.params.userId));
    const values = keepValues(req.body, SECRETS);
    // A page shown before the token changed must not do the opposite of what it said.
    const posted = (req.body as Record<string, unknown> | undefined)?.operation;
    if (posted !== slot.operation) return await render(req, res, slot, 400, { _form: STALE_MESSAGE });
    const act = slot.operation === 'register' ? register : unregister;
    const outcome = await act(admin, slot, req.body, customerActor(req, res));
    if (!('ok' in outcome)) return await render(req, res, slot, outcome.status, outcome.errors, values);
    finishStep(req, slot.user.id, {
      subject: subjectOf(slot.user),
      credentialId: outcome.credentialId,
      operation: slot.operation,
      startedOtp: false,
    });
    res.redirect(303, '/admin/otp/complete');
  });

  return router;
}
