import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { login, logout } from '../../services/customerAuth';
import { normalize } from '../../domain/text';
import { parseForm, keepValues } from '../forms';
import { loginRateLimit } from '../loginRateLimit';
import { startSignedInSession, signOut } from '../session';
import { customerActor } from '../auth';

const loginForm = z.object({
  loginId: z.preprocess(normalize, z.string().min(1, 'ログインIDを入力してください。').max(64, 'ログインIDは64文字以内で入力してください。')),
  password: z.string({ error: 'ログインパスワードを入力してください。' }).min(1, 'ログインパスワードを入力してください。').max(128, 'ログインパスワードが正しくありません。'),
});

export function authRoutes(deps: Deps): Router {
  const router = Router();
  // One message for an unknown ID, a wrong password and a locked ID alike, so
  // the page never tells an attacker which IDs exist (R9); the count is the configured one.
  const loginFailed =
    `ログインIDまたはログインパスワードが正しくありません。${deps.config.lockoutThreshold}回続けて誤るとロックされます。` +
    'ロックされた場合、利用者の方は管理者へ、管理者の方はお取引店へご連絡ください。';
  const view = 'customer/login';
  const limiter = loginRateLimit(deps, view, 'ログイン');

  router.get('/login', (req, res) => {
    if (res.locals.currentUser) return res.redirect(303, '/');
    const notice = req.query.timeout ? '一定時間操作がなかったため、ログアウトしました。再度ログインしてください。' : undefined;
    res.render(view, { title: 'ログイン', errors: {}, values: {}, notice });
  });

  router.post('/login', limiter, async (req, res) => {
    const form = parseForm(loginForm, req.body);
    const values = keepValues(req.body, ['password']);
    if (!form.ok) return res.status(400).render(view, { title: 'ログイン', errors: form.errors, values });
    const result = await login(deps, form.data.loginId, form.data.password, req.ip ?? null);
    if (!result.ok) {
      return res.status(401).render(view, { title: 'ログイン', errors: { _form: loginFailed }, values });
    }
    await startSignedInSession(req, deps.clock.now(), { userId: result.user.id, companyId: result.user.companyId });
    res.redirect(303, '/');
  });

  router.post('/logout', async (req, res) => {
    if (res.locals.currentUser) logout(deps.audit, customerActor(req, res));
    await signOut(req, res, 'customer', deps.config);
    res.redirect(303, '/login');
  });

  return router;
}
