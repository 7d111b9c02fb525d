import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, notFound } from '../errors';
import { StorageUnavailableError } from '../storage/port';

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
}

/** Maps what middleware throws (body parser, CSRF) to a status and a Japanese message. */
function describe(err: unknown): { status: number; message: string; expected: boolean; title?: string } {
  if (err instanceof AppError) return { status: err.status, message: err.userMessage, expected: true };
  // The database could not be reached or gave up (issue 12): nothing was changed, and the customer is told so.
  if (err instanceof StorageUnavailableError) {
    return {
      status: 503,
      title: 'ただいまご利用いただけません',
      message: 'ただいまシステムに接続できないため、お手続きを完了できませんでした（内容は反映されていません）。しばらくしてから再度お試しください。',
      expected: false,
    };
  }
  const e = (err ?? {}) as HttpishError;
  if (e.code === 'EBADCSRFTOKEN') {
    return {
      status: 403,
      message: '画面の有効期限が切れたか、正しくない操作です。お手数ですが、もう一度最初から操作してください。',
      expected: true,
    };
  }
  if (e.type === 'entity.too.large' || e.type === 'parameters.too.many') {
    return { status: 413, message: '送信された内容が大きすぎます。入力内容を確認してください。', expected: true };
  }
  const status = e.status ?? e.statusCode;
  if (status && status >= 400 && status < 500) {
    return { status, message: '送信された内容を処理できませんでした。', expected: true };
  }
  return {
    status: 500,
    message: 'システムエラーが発生しました。しばらくしてから再度お試しください。',
    expected: false,
  };
}

const titles: Record<number, string> = {
  403: 'ご利用いただけません',
  404: 'ページが見つかりません',
  413: '送信内容が大きすぎます',
  429: 'しばらくお待ちください',
  503: 'ただいま混み合っています',
  500: 'システムエラー',
};

/** The one error handler: logs, then renders a page without internals. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, message, expected, title } = describe(err);
    const supportId = String(req.id ?? '-');
    if (expected) logger.info({ supportId, status, path: req.path }, 'request refused');
    else logger.error({ err, supportId, path: req.path }, 'unexpected error');
    if (res.headersSent) return res.end();
    res.status(status).set('Cache-Control', 'no-store');
    if (status === 503) res.set('Retry-After', '30');
    res.render('errors/error', { title: title ?? titles[status] ?? 'エラー', message, status, supportId });
  };
}
