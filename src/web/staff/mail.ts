import { Router } from 'express';
import type { Deps } from '../../deps';
import { notFound } from '../../errors';
import { demoMailbox } from '../../services/mailOps';
import { fetchPage } from '../paging';

/**
 * デモ用メールボックス (/staff/mail, issue 14): in demo mode without SMTP_URL
 * the outbox delivers here, so branch staff can show a customer the notice
 * that follows each step. Anywhere else it does not exist (404), and the
 * menu does not offer it.
 */
export function mailRoutes(deps: Deps): Router {
  const router = Router();
  const enabled = deps.config.demo && deps.config.mail.transport === 'mailbox';
  router.use((_req, res, next) => {
    res.locals.demoMailbox = enabled;
    next();
  });
  router.get('/staff/mail', async (req, res) => {
    if (!enabled) throw notFound();
    const { rows, pager } = await fetchPage(req.query.page, async (limit, offset) => await demoMailbox(deps.repos.mailbox, limit, offset));
    res.render('staff/mail', { title: 'デモ用メールボックス', rows, pager, refreshSeconds: 10 });
  });
  return router;
}
