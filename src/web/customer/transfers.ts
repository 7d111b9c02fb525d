import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { enteredPasswordSchema } from '../../domain/credentials';
import { otpField } from '../../domain/token';
import { transferInputSchema } from '../../domain/zengin';
import type { Transfer } from '../../repositories/transfers';
import type { User } from '../../repositories/users';
import type { ConfirmationMethod } from '../../services/confirmation';
import {
  assertCanTransfer,
  confirmTransfer,
  createDraft,
  findOwnTransfer,
  findViewableTransfer,
  isExpired,
  openConfirmation,
  transferHistory,
  type ConfirmOutcome,
} from '../../services/transfers';
import { currentUser, customerActor, requireLogin } from '../auth';
import { keepValues, parseForm, type FieldErrors } from '../forms';
import { fetchPage } from '../paging';
import { idParam } from '../params';

const secretLabels: Record<ConfirmationMethod, string> = {
  transferPassword: '送信確認パスワード',
  otp: 'ワンタイムパスワード',
};
/**
 * The confirm form of each method, built once: zod compiles an object schema
 * on its first parse, and building it per request cost every confirmation a
 * compile (issue 5).
 */
const secretForms: Record<ConfirmationMethod, z.ZodType<Record<string, string>>> = {
  otp: z.object({ otp: otpField }),
  transferPassword: z.object({ transferPassword: enteredPasswordSchema(secretLabels.transferPassword) }),
};
const RECEIVED = '都度振込を受け付けました。受付番号をお控えください。';
const ALREADY_RECEIVED = 'この振込はすでに受付済みです。';

/** What the 振込内容確認 screen says when a confirmation is refused, and with which status. */
function refusal(outcome: Exclude<ConfirmOutcome, { ok: true }>, field: ConfirmationMethod, user: User): { status: number; errors: FieldErrors } {
  const label = secretLabels[field];
  switch (outcome.reason) {
    case 'wrong':
      return { status: 400, errors: { [field]: `${label}が正しくありません。あと ${outcome.remaining} 回誤るとロックされます。` } };
    case 'locked': {
      // R9: the administrator unlocks users; branch staff unlock the administrator.
      const whom = user.role === 'admin' ? 'お取引店' : '管理者';
      return { status: 403, errors: { [field]: `${label}がロックされています。${whom}にお問い合わせください。` } };
    }
    case 'noToken':
      // R7: in A each transfer user needs an own token; the administrator registers it (§3(3)), or
      // registers the own one again after the branch unregistered it (Q1).
      return {
        status: 403,
        errors: {
          _form: user.role === 'admin'
            ? 'ワンタイムパスワードのトークンが登録されていません。「管理機能」の「ワンタイムパスワード認証情報管理」からトークンを登録してください。'
            : 'ワンタイムパスワードのトークンが登録されていません。管理者にソフトウェアトークンの登録を依頼してください。',
        },
      };
    case 'insufficient':
      return { status: 409, errors: { _form: '残高が不足しているため、振込できません。' } };
    default:
      // A secret that can no longer be spent reads like a wrong one (R9: never say a reused code was valid).
      return { status: 400, errors: { [field]: `${label}が正しくありません。もう一度入力してください。` } };
  }
}

export function transferRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();
  const ttlMinutes = Math.round(deps.config.draftTtlMs / 60_000);
  const inputSchema = transferInputSchema(deps.config.transferLimitYen);
  const renderInput = (res: Response, values: Record<string, string>, errors: FieldErrors = {}, status = 200) =>
    res.status(status).render('transfers/new', { title: '都度振込', values, errors, limitYen: deps.config.transferLimitYen });

  /**
   * The confirm screen of a live draft, asking for `field`; a completed or
   * expired one goes where it now belongs.
   */
  function showConfirm(req: Request, res: Response, transfer: Transfer, field: ConfirmationMethod, errors: FieldErrors = {}, status = 200) {
    if (transfer.status === 'completed') {
      req.session.flash = ALREADY_RECEIVED;
      return res.redirect(303, `/transfers/${transfer.id}`);
    }
    if (isExpired(deps.clock, transfer)) return res.status(410).render('transfers/expired', { title: '振込内容確認', ttlMinutes });
    res.status(status).render('transfers/confirm', { title: '振込内容確認', transfer, field, label: secretLabels[field], errors, ttlMinutes });
  }

  router.use('/transfers', requireLogin);

  router.get('/transfers/new', (_req, res) => {
    assertCanTransfer(currentUser(res));
    renderInput(res, { accountType: 'ordinary' });
  });

  router.post('/transfers', (req, res) => {
    const user = currentUser(res);
    assertCanTransfer(user);
    const form = parseForm(inputSchema, req.body);
    if (!form.ok) return renderInput(res, keepValues(req.body, []), form.errors, 400);
    const id = createDraft(deps, user, form.data);
    res.redirect(303, `/transfers/${id}/confirm`);
  });

  router.get('/transfers/:id/confirm', (req, res) => {
    const { transfer, confirmation } = openConfirmation(deps.repos, currentUser(res), idParam(req.params.id));
    showConfirm(req, res, transfer, confirmation.method);
  });

  router.post('/transfers/:id/confirm', otpLimit, async (req, res) => {
    const user = currentUser(res);
    // Which secret this screen asks for (the OTP switch-over, R7) is read once per request.
    const { transfer, confirmation } = openConfirmation(deps.repos, user, idParam(req.params.id));
    const field = confirmation.method;
    const form = parseForm(secretForms[field], req.body);
    if (!form.ok) return showConfirm(req, res, transfer, field, form.errors, 400);
    const outcome = await confirmTransfer(deps, confirmation, user, transfer.id, form.data[field]!, customerActor(req, res));
    if (outcome.ok) {
      req.session.flash = RECEIVED;
      return res.redirect(303, `/transfers/${transfer.id}`);
    }
    if (outcome.reason === 'completed' || outcome.reason === 'expired') {
      return showConfirm(req, res, findOwnTransfer(deps.repos.transfers, user, transfer.id), field);
    }
    const { status, errors } = refusal(outcome, field, user);
    showConfirm(req, res, transfer, field, errors, status);
  });

  router.get('/transfers/:id', (req, res) => {
    const user = currentUser(res);
    const transfer = findViewableTransfer(deps.repos.transfers, user, idParam(req.params.id));
    if (transfer.status === 'draft') return res.redirect(303, `/transfers/${transfer.id}/confirm`);
    const justReceived = res.locals.flash === RECEIVED;
    res.render('transfers/show', { title: justReceived ? '受付完了' : '振込明細', transfer, showUser: user.role === 'admin' });
  });

  router.get('/transfers', (req, res) => {
    const user = currentUser(res);
    const { rows, pager } = fetchPage(req.query.page, (limit, offset) => transferHistory(deps.repos.transfers, user, limit, offset));
    res.render('transfers/index', { title: '振込履歴', rows, pager, showUser: user.role === 'admin' });
  });

  return router;
}
