import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Deps } from '../deps';
import { keepValues, parseForm } from './forms';
import { loginRateLimit } from './loginRateLimit';
import { signOut, startSignedInSession, type Realm } from './session';

type Identity = Parameters<typeof startSignedInSession>[2];

/** What differs between the customer site's ログイン and the console's 行員ログイン. */
export interface LoginSpec<F extends z.ZodType> {
  realm: Realm;
  view: string;
  title: string;
  /** Where the login form lives (GET and POST), where ログアウト posts, and where a signed-in browser goes. */
  paths: { login: string; logout: string; home: string };
  form: F;
  /** One message for an unknown ID, a wrong password and a locked account alike (R9: no hint which IDs exist). */
  failedMessage: string;
  signedIn(res: Response): boolean;
  authenticate(data: z.output<F>, clientIp: string | null): Promise<Identity | null>;
  /** Audits the ログアウト of a signed-in session (R11). */
  loggedOut(req: Request, res: Response): void;
}

/**
 * ログイン and ログアウト of either listener, built by one factory (STYLE 12):
 * the rate limit per client address, the form refilled without the
 * password, one refusal message, the session id regenerated at login
 * (fixation) and destroyed at logout, every success answered with PRG.
 */
export function loginRoutes<F extends z.ZodType>(deps: Deps, spec: LoginSpec<F>): Router {
  const router = Router();
  const { view, title, paths } = spec;
  const limiter = loginRateLimit(deps, spec.realm, view, title);

  router.get(paths.login, (req, res) => {
    if (spec.signedIn(res)) return res.redirect(303, paths.home);
    const notice = req.query.timeout ? '一定時間操作がなかったため、ログアウトしました。再度ログインしてください。' : undefined;
    res.render(view, { title, errors: {}, values: {}, notice });
  });

  router.post(paths.login, limiter, async (req, res) => {
    const form = parseForm(spec.form, req.body);
    const values = keepValues(req.body, ['password']);
    if (!form.ok) return res.status(400).render(view, { title, errors: form.errors, values });
    const identity = await spec.authenticate(form.data, req.ip ?? null);
    if (!identity) return res.status(401).render(view, { title, errors: { _form: spec.failedMessage }, values });
    await startSignedInSession(req, deps.clock.now(), identity);
    res.redirect(303, paths.home);
  });

  router.post(paths.logout, async (req, res) => {
    if (spec.signedIn(res)) spec.loggedOut(req, res);
    await signOut(req, res, spec.realm, deps.config);
    res.redirect(303, paths.login);
  });

  return router;
}
