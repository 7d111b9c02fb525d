import { Router } from 'express';
import QRCode from 'qrcode';
import type { Deps } from '../../deps';
import { groupCredentialId } from '../../domain/token';
import { notFound } from '../../errors';
import { demoTokens } from '../../services/tokenRegister';

/**
 * The demo phone (DESIGN §4, manual §3(1)): what the "VIP Access" app shows —
 * Credential ID and Security Code — for every token of the demo register, and
 * a QR code of its otpauth URI so a real authenticator app can be the phone.
 * DEMO=1 only: it opens secrets that are otherwise never shown after
 * provisioning. No login, because it stands in for the customer's phone.
 */
export function softtokenRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    if (!deps.config.demo) throw notFound();
    const tokens = await Promise.all(
      (await demoTokens(deps)).map(async (t) => ({
        credentialId: t.credentialId,
        grouped: groupCredentialId(t.credentialId),
        platform: t.platform,
        meantFor: t.meantFor,
        code: t.code,
        secondsLeft: t.secondsLeft,
        qr: await QRCode.toDataURL(t.uri, { errorCorrectionLevel: 'M', margin: 2, scale: 4 }),
      })),
    );
    // No script may run (CSP), so the page reloads itself when the code changes — unless the person
    // stopped that (?auto=off): each reload sends a screen reader back to the top (WCAG 2.2.1, 2.2.2).
    const autoRefresh = req.query.auto !== 'off';
    const secondsLeft = tokens[0]?.secondsLeft ?? 30;
    const refreshSeconds = autoRefresh ? Math.max(1, secondsLeft) : undefined;
    res.render('softtoken', { title: 'VIP Access（デモ）', tokens, secondsLeft, autoRefresh, refreshSeconds });
  });
  return router;
}
