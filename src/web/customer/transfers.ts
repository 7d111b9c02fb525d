import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { enteredPasswordSchema } from '../../domain/credentials';
import { otpField } from '../../domain/token';
import { transferInputSchema } from '../../domain/zengin';
import type { Transfer } from '../../repositories/transfers';
import type { User } from '../../repositories/users';
import type { ConfirmationBlock, ConfirmationMethod } from '../../services/confirmation';
import { createDraft, transferBlock } from '../../services/drafts';
import { todayAllowance } from '../../services/limits';
import { confirmTransfer, findOwnTransfer, findViewableTransfer, isExpired, openConfirmation, transferHistory } from '../../services/transfers';
import { currentUser, customerActor, requireLogin } from '../auth';
import { keepValues, parseForm, type FieldErrors } from '../forms';
import { fetchPage } from '../paging';
import { idParam } from '../params';
import { bankLookupRoutes } from './bankLookup';
import { leaveReceiptNotice, takeReceiptNotice } from './receiptNotice';
import { blockMessage, draftRefusal, refusal, secretLabels } from './transferMessages';

/**
 * The confirm form of each method, built once: zod compiles an object schema
 * on its first parse, and building it per request cost every confirmation a
 * compile (issue 5).
 */
const secretForms: Record<ConfirmationMethod, z.ZodType<Record<string, string>>> = {
  otp: z.object({ otp: otpField }),
  transferPassword: z.object({ transferPassword: enteredPasswordSchema(secretLabels.transferPassword) }),
};

/** Codes carried back from 金融機関・支店の検索 (GET /transfers/new?bankCode=…&branchCode=…); anything else is ignored. */
function prefilled(query: Record<string, unknown>): Record<string, string> {
  const code = (value: unknown, length: number): string | undefined =>
    typeof value === 'string' && new RegExp(`^[0-9]{${length}}$`).test(value) ? value : undefined;
  const bankCode = code(query.bankCode, 4);
  const branchCode = bankCode === undefined ? undefined : code(query.branchCode, 3);
  return { accountType: 'ordinary', ...(bankCode && { bankCode }), ...(branchCode && { branchCode }) };
}

export function transferRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();
  const ttlMinutes = Math.round(deps.config.draftTtlMs / 60_000);
  const inputSchema = transferInputSchema(deps.config.transferLimitYen);
  // The day's 振込限度額 and 本日の振込可能残額 (issue 13) are shown before anything is typed.
  const renderInput = async (res: Response, values: Record<string, string>, errors: FieldErrors = {}, status = 200) =>
    res.status(status).render('transfers/new', { title: '都度振込', values, errors, allowance: await todayAllowance(deps, currentUser(res)), fees: deps.config.transferFees });
  /** 都度振込 for a user who cannot confirm: what to do instead of a form (issue 15). */
  const renderBlocked = (res: Response, block: ConfirmationBlock, user: User, status: number) =>
    res.status(status).render('transfers/blocked', { title: '都度振込', message: blockMessage(block, user), isAdmin: user.role === 'admin' });

  /**
   * The confirm screen of a live draft, asking for `field`; a completed or
   * expired one goes where it now belongs.
   */
  function showConfirm(req: Request, res: Response, transfer: Transfer, field: ConfirmationMethod, errors: FieldErrors = {}, status = 200) {
    if (transfer.status === 'completed') {
      leaveReceiptNotice(deps.config, req, res, transfer.id, 'alreadyReceived');
      return res.redirect(303, `/transfers/${transfer.id}`);
    }
    if (isExpired(deps.clock, transfer)) return res.status(410).render('transfers/expired', { title: '振込内容確認', ttlMinutes });
    res.status(status).render('transfers/confirm', { title: '振込内容確認', transfer, field, label: secretLabels[field], errors, ttlMinutes });
  }

  router.use(requireLogin);
  router.use('/lookup', bankLookupRoutes());

  router.get('/new', async (req, res) => {
    const user = currentUser(res);
    const block = await transferBlock(deps.repos, user);
    if (block) return renderBlocked(res, block, user, 200);
    await renderInput(res, prefilled(req.query));
  });

  router.post('/', async (req, res) => {
    const user = currentUser(res);
    const block = await transferBlock(deps.repos, user);
    if (block) return renderBlocked(res, block, user, 403);
    const form = parseForm(inputSchema, req.body);
    if (!form.ok) return await renderInput(res, keepValues(req.body, []), form.errors, 400);
    const outcome = await createDraft(deps, user, form.data, customerActor(req, res));
    if (!outcome.ok) {
      if (outcome.reason === 'noToken') return renderBlocked(res, outcome.reason, user, 403);
      return await renderInput(res, keepValues(req.body, []), draftRefusal(outcome, form.data, user), 400);
    }
    res.redirect(303, `/transfers/${outcome.id}/confirm`);
  });

  router.get('/:id/confirm', async (req, res) => {
    const { transfer, confirmation } = await openConfirmation(deps.repos, currentUser(res), idParam(req.params.id));
    showConfirm(req, res, transfer, confirmation.method);
  });

  router.post('/:id/confirm', otpLimit, async (req, res) => {
    const user = currentUser(res);
    // Which secret this screen asks for (the OTP switch-over, R7) is read once per request.
    const { transfer, confirmation } = await openConfirmation(deps.repos, user, idParam(req.params.id));
    const field = confirmation.method;
    const form = parseForm(secretForms[field], req.body);
    if (!form.ok) return showConfirm(req, res, transfer, field, form.errors, 400);
    const outcome = await confirmTransfer(deps, confirmation, user, transfer, form.data[field]!, customerActor(req, res));
    if (outcome.ok) {
      leaveReceiptNotice(deps.config, req, res, transfer.id, 'received');
      return res.redirect(303, `/transfers/${transfer.id}`);
    }
    if (outcome.reason === 'completed' || outcome.reason === 'expired') {
      return showConfirm(req, res, await findOwnTransfer(deps.repos.transfers, user, transfer.id), field);
    }
    const refused = refusal(outcome, field, user);
    if (refused.resyncLink) res.locals.resyncLink = true;
    showConfirm(req, res, transfer, refused.field ?? field, refused.errors, refused.status);
  });

  router.get('/:id', async (req, res) => {
    const user = currentUser(res);
    const transfer = await findViewableTransfer(deps.repos.transfers, user, idParam(req.params.id));
    if (transfer.status === 'draft') return res.redirect(303, `/transfers/${transfer.id}/confirm`);
    const left = takeReceiptNotice(deps.config, req, res, transfer.id);
    if (left) res.locals.flash = left.message;
    res.render('transfers/show', { title: left?.notice === 'received' ? '受付完了' : '振込明細', transfer, showUser: user.role === 'admin' });
  });

  router.get('/', async (req, res) => {
    const user = currentUser(res);
    const { rows, pager } = await fetchPage(req.query.page, async (limit, offset) => await transferHistory(deps.repos.transfers, user, limit, offset));
    res.render('transfers/index', { title: '振込履歴', rows, pager, showUser: user.role === 'admin' });
  });

  return router;
}
