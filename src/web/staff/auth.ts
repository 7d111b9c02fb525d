import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { enteredPasswordSchema } from '../../domain/credentials';
import { normalize } from '../../domain/text';
import { staffLogin, staffLogout } from '../../services/staffAuth';
import { staffActor } from '../auth';
import { loginRoutes } from '../loginRoutes';

const loginForm = z.object({
  staffId: z.preprocess(normalize, z.string().min(1, '行員IDを入力してください。').max(64, '行員IDは64文字以内で入力してください。')),
  password: enteredPasswordSchema('パスワード'),
});

/** 行員ログイン of the branch console (its own listener and staff accounts). */
export function staffAuthRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/staff', (_req, res) => res.redirect(303, '/staff/companies'));
  router.use(loginRoutes(deps, {
    realm: 'staff',
    view: 'staff/login',
    title: '行員ログイン',
    paths: { login: '/staff/login', logout: '/staff/logout', home: '/staff/companies' },
    form: loginForm,
    failedMessage:
      `行員IDまたはパスワードが正しくありません。${deps.config.lockoutThreshold}回続けて誤るとロックされます。` +
      'ロックされた場合は、システム管理者にロック解除を依頼してください。',
    signedIn: (res) => Boolean(res.locals.currentStaff),
    async authenticate({ staffId, password }, clientIp) {
      const result = await staffLogin(deps, staffId, password, clientIp);
      return result.ok ? { staffDbId: result.staff.id } : null;
    },
    loggedOut: async (req, res) => await staffLogout(deps.audit, staffActor(req, res)),
  }));
  return router;
}
