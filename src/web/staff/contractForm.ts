import { z } from 'zod';
import { normalize } from '../../domain/text';
import { yenSchema } from '../../domain/yen';
import { loginIdSchema, newPasswordSchema, personNameSchema } from '../../domain/credentials';
import { optionalEmailSchema } from '../../domain/email';

/** The largest opening balance the console accepts: 12 digits, far above any real deposit. */
export const MAX_OPENING_BALANCE = 999_999_999_999;

const balanceSchema = yenSchema({ label: '代表口座の開設時残高', min: 0, max: MAX_OPENING_BALANCE });

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
  // Where the administrator's notices go (issue 14); may be given later on the customer's メールアドレス設定.
  adminEmail: optionalEmailSchema('管理者メールアドレス'),
  adminPassword: newPasswordSchema('管理者ログインパスワード'),
  adminApprovalPassword: newPasswordSchema('承認用パスワード'),
  adminTransferPassword: newPasswordSchema('送信確認パスワード'),
});

/** Fields never echoed back into the form. */
export const CONTRACT_SECRETS = ['adminPassword', 'adminApprovalPassword', 'adminTransferPassword'] as const;
