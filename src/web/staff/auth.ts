import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { normalize } from '../../domain/text';
import { enteredPasswordSchema } from '../../domain/credentials';
import { staffLogin, staffLogout } from '../../services/staffAuth';
import { parseForm, keepValues } from '../forms';
import { loginRateLimit } from '../loginRateLimit';
import { startSignedInSession, signOut } from '../session';
import { staffActor } from '../auth';

const loginForm = z.object({
  staffId: z.preprocess(normalize, z.string().min(1, '行員IDを入力してください。').max(64, '行員IDは64文字以内で入力してください。')),
  password: enteredPasswordSchema('パスワード'),
});

const VIEW = 'staff/login';
const TITLE = '行員ログイン';

export function staffAuthRoutes(deps: Deps): Router {
  const router = Router();
  // One message for an unknown ID, a wrong password and a locked account, so the
  // console never tells which staff IDs exist (R9, DESIGN §6).
  const loginFailed =
    `行員IDまたはパスワードが正しくありません。${deps.config.lockoutThreshold}回続けて誤るとロックされます。` +
    'ロックされた場合は、システム管理者にロック解除を依頼してください。';
  const limiter = loginRateLimit(deps, VIEW, TITLE);

  router.get('/staff', (_req, res) => res.redirect(303, '/staff/companies'));

  router.get('/staff/login', (req, res) => {
    if (res.locals.currentStaff) return res.redirect(303, '/staff/companies');
    const notice = req.query.timeout ? '一定時間操作がなかったため、ログアウトしました。再度ログインしてください。' : undefined;
    res.render(VIEW, { title: TITLE, errors: {}, values: {}, notice });
  });

  router.post('/staff/login', limiter, async (req, res) => {
    const form = parseForm(loginForm, req.body);
    const values = keepValues(req.body, ['password']);
    if (!form.ok) return res.status(400).render(VIEW, { title: TITLE, errors: form.errors, values });
    const result = await staffLogin(deps, form.data.staffId, form.data.password, req.ip ?? null);
    if (!result.ok) return res.status(401).render(VIEW, { title: TITLE, errors: { _form: loginFailed }, values });
    await startSignedInSession(req, deps.clock.now(), { staffDbId: result.staff.id });
    res.redirect(303, '/staff/companies');
  });

  router.post('/staff/logout', async (req, res) => {
    if (res.locals.currentStaff) staffLogout(deps.audit, staffActor(req, res));
    await signOut(req, res, 'staff', deps.config);
    res.redirect(303, '/staff/login');
  });

  return router;
}
