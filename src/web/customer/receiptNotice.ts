import { parse } from 'cookie';
import type { Request, Response } from 'express';
import type { Config } from '../../config';
import { hostOnlyCookieName } from '../cookies';

/**
 * 受付完了 is the 明細 page (GET /transfers/:id) seen right after 確定. Which
 * of the two it is, and the notice above it, travel from the confirmation's
 * 303 to that page in a short-lived cookie naming the transfer — not in the
 * session like the other notices (src/web/session.ts, flash): a session save
 * is a second durable commit on every confirmation, after the transfer's own
 * (bench:ab: confirm +9–11% without it). The cookie holds nothing secret; a
 * forged one can only change that page's title and notice, and only for a
 * transfer its viewer may see.
 */
export type ReceiptNotice = 'received' | 'alreadyReceived';

const MESSAGES: Record<ReceiptNotice, string> = {
  received: '都度振込を受け付けました。受付番号をお控えください。',
  alreadyReceived: 'この振込はすでに受付済みです。同じ振込が重ねて行われることはありません。受付番号と内容をご確認ください。',
};

const isReceiptNotice = (value: string | undefined): value is ReceiptNotice => value !== undefined && Object.hasOwn(MESSAGES, value);

/** Long enough to follow a redirect on a slow line, short enough not to greet a later visit. */
const MAX_AGE_MS = 5 * 60_000;

type CookieConfig = Pick<Config, 'env'>;

const cookieName = (config: CookieConfig): string => hostOnlyCookieName(config, 'webfb.receipt');

const cookieOptions = (config: CookieConfig, req: Request) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax', secure: config.env === 'production' || req.secure }) as const;

/** Sets the notice the next GET /transfers/:id of `transferId` shows. */
export function leaveReceiptNotice(config: CookieConfig, req: Request, res: Response, transferId: number, notice: ReceiptNotice): void {
  res.cookie(cookieName(config), `${transferId}.${notice}`, { ...cookieOptions(config, req), maxAge: MAX_AGE_MS });
}

/**
 * The notice left for `transferId`, if any, with its message; the cookie is
 * cleared whenever it is present, so the page shows it once.
 */
export function takeReceiptNotice(config: CookieConfig, req: Request, res: Response, transferId: number): { notice: ReceiptNotice; message: string } | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = cookieName(config);
  const value = parse(header)[name];
  if (value === undefined) return undefined;
  res.clearCookie(name, cookieOptions(config, req));
  const [id, notice] = value.split('.');
  if (id !== String(transferId) || !isReceiptNotice(notice)) return undefined;
  return { notice, message: MESSAGES[notice] };
}
