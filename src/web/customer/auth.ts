import type { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { normalize } from '../../domain/text';
import { login, logout } from '../../services/customerAuth';
import { customerActor } from '../auth';
import { loginRoutes } from '../loginRoutes';

const loginForm = z.object({
  loginId: z.preprocess(normalize, z.string().min(1, 'ログインIDを入力してください。').max(64, 'ログインIDは64文字以内で入力してください。')),
  password: z.string({ error: 'ログインパスワードを入力してください。' }).min(1, 'ログインパスワードを入力してください。').max(128, 'ログインパスワードが正しくありません。'),
});

/** ログイン with ID and password only: the one-time password is never asked here (manual Q3, R12). */
export function authRoutes(deps: Deps): Router {
  return loginRoutes(deps, {
    realm: 'customer',
    view: 'customer/login',
    title: 'ログイン',
    paths: { login: '/login', logout: '/logout', home: '/' },
    form: loginForm,
    failedMessage:
      `ログインIDまたはログインパスワードが正しくありません。${deps.config.lockoutThreshold}回続けて誤るとロックされます。` +
      'ロックされた場合、利用者の方は管理者へ、管理者の方はお取引店へご連絡ください。',
    signedIn: (res) => Boolean(res.locals.currentUser),
    async authenticate({ loginId, password }, clientIp) {
      const result = await login(deps, loginId, password, clientIp);
      return result.ok ? { userId: result.user.id, companyId: result.user.companyId, previousLoginAt: result.previousLoginAt } : null;
    },
    loggedOut: async (req, res) => await logout(deps.audit, customerActor(req, res)),
  });
}
