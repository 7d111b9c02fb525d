/**
 * An expected failure with the status and the Japanese message shown to the
 * user. Anything else that reaches the error handler is unexpected: it is
 * logged and the user sees only a generic page with a support id.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly userMessage: string,
  ) {
    super(userMessage);
  }
}

export const notFound = (): AppError => new AppError(404, 'お探しのページは見つかりませんでした。');
export const forbidden = (): AppError =>
  new AppError(403, 'この操作を行う権限がありません。');
/** Too much waiting already (e.g. bcrypt under a login flood): refused at once rather than queued for minutes. */
export const busy = (): AppError =>
  new AppError(503, 'ただいま混み合っています。しばらくしてから再度お試しください。');
