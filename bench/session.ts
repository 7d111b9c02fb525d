import crypto from 'node:crypto';

/**
 * The cookie value express-session sets for a session id: "s:" + id + "." +
 * base64 HMAC-SHA256 of the id without padding (the cookie-signature scheme),
 * URI-encoded as the cookie serializer writes it.
 */
export function signedCookie(sid: string, secret: string): string {
  const mac = crypto.createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${sid}.${mac}`);
}
