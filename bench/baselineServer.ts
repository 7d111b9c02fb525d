import express from 'express';
import path from 'node:path';
import { viewHelpers } from '../src/web/format';

/**
 * The stack's own limit: a minimal Express + EJS server rendering the same
 * 振込内容確認 template as the app, with fixed data — no session, no
 * database, no middleware. Run with NODE_ENV=production so that templates are
 * cached exactly as in the app.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const app = express();
app.set('views', path.join(ROOT, 'views'));
app.set('view engine', 'ejs');
Object.assign(app.locals, viewHelpers, { realm: 'customer' });

const transfer = {
  id: 123_456, bankCode: '0005', branchCode: '341', bankName: '三菱ＵＦＪ', branchName: '新宿', accountType: 'ordinary',
  accountNumber: '7654321', payeeName: 'ﾍﾞﾝﾁ ｼｮｳｼﾞ', amount: 1_000, fee: 440, status: 'draft',
};
const currentUser = { id: 2, companyId: 2, loginId: 'c2u1', name: '利用者1', role: 'user', canTransfer: true };
const csrfToken = (): string => 'f'.repeat(64);

app.get('/', (_req, res) => {
  res.render('transfers/confirm', {
    title: '振込内容確認', transfer, field: 'otp', label: 'ワンタイムパスワード', errors: {}, ttlMinutes: 10,
    currentUser, csrfToken,
  });
});

const port = Number(process.env.PORT);
app.listen(port, '127.0.0.1', () => process.send?.({ type: 'listening' }));
