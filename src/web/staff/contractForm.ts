import { z } from 'zod';
import { normalize } from '../../domain/text';
import { loginIdSchema, newPasswordSchema, personNameSchema } from '../../domain/credentials';

/** The largest opening balance the console accepts: 12 digits, far above any real deposit. */
export const MAX_OPENING_BALANCE = 999_999_999_999;

const BALANCE_LABEL = '代表口座の開設時残高';

/**
 * Why a typed yen amount is not acceptable, or undefined when it is. The input
 * is already NFKC-normalised (full-width digits and commas become ASCII); an
 * optional ¥ or 円 is tolerated. Commas must group thousands: a clerk's
 * misplaced comma more likely hides a wrong amount than a formatting habit.
 */
function balanceProblem(raw: string): string | undefined {
  const text = raw.replace(/^¥/, '').replace(/円$/, '').trim();
  if (text === '') return `${BALANCE_LABEL}を入力してください。`;
  if (/^[-−]/.test(text)) return `${BALANCE_LABEL}は0円以上で入力してください。`;
  if (/^[\d,]*\.\d*$/.test(text)) return `${BALANCE_LABEL}は1円単位の整数で入力してください。`;
  if (!/^\d+$/.test(text) && !/^\d{1,3}(,\d{3})+$/.test(text)) {
    return `${BALANCE_LABEL}は半角または全角の数字で入力してください（例: 1,000,000）。`;
  }
  if (Number(text.replace(/,/g, '')) > MAX_OPENING_BALANCE) {
    return `${BALANCE_LABEL}は${MAX_OPENING_BALANCE.toLocaleString('ja-JP')}円以下で入力してください。`;
  }
  return undefined;
}

const balanceSchema = z.preprocess(
  normalize,
  z.string().transform((raw, ctx) => {
    const problem = balanceProblem(raw);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return Number(raw.replace(/[^\d]/g, ''));
  }),
);

const companyNameSchema = z.preprocess(
  normalize,
  z
    .string()
    .min(1, '契約先名を入力してください。')
    .max(60, '契約先名は60文字以内で入力してください。')
    .regex(/^[^\p{Cc}]*$/u, '契約先名に使用できない文字が含まれています。'),
);

/** 契約登録 (DESIGN §4, bank side): field names are the UI contract. */
export const contractForm = z.object({
  companyName: companyNameSchema,
  accountBalance: balanceSchema,
  adminLoginId: loginIdSchema('管理者ログインID'),
  adminName: personNameSchema('管理者氏名'),
  adminPassword: newPasswordSchema('管理者ログインパスワード'),
  adminApprovalPassword: newPasswordSchema('承認用パスワード'),
  adminTransferPassword: newPasswordSchema('送信確認パスワード'),
});

/** Fields never echoed back into the form. */
export const CONTRACT_SECRETS = ['adminPassword', 'adminApprovalPassword', 'adminTransferPassword'] as const;
