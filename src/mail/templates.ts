import { formatJstDateTime } from '../domain/jst';
import { formatYenAmount } from '../domain/yen';

/**
 * The notices' words (issue 14): Japanese subject and plain-text body, built
 * from plain values. What a notice may carry is decided here, in one place:
 * never a password, a code of a token or a full account number; the payee's
 * name and the account are masked; times are Japan time; and every notice
 * ends with how to reach the bank (BANK_CONTACT).
 */

export interface MailText {
  subject: string;
  body: string;
}

const PREFIX = '【WEB-FB】';

/** 2026/11/26 10:00:12（日本時間） */
export const jstTime = (ms: number): string => `${formatJstDateTime(ms)}（日本時間）`;

const yen = formatYenAmount;

/** The account number's last three digits only: ****567. */
export const maskAccountNumber = (n: string): string => `${'*'.repeat(Math.max(0, n.length - 3))}${n.slice(-3)}`;

/** The payee's first two characters only (the rest as ＊), so a forwarded notice names no one in full. */
export const maskPayee = (name: string): string => {
  const chars = [...name];
  return chars.slice(0, 2).join('') + '＊'.repeat(Math.max(3, chars.length - 2));
};

/** Greeting, the lines, and the footer every notice ends with. */
function compose(subject: string, to: string, lines: string[], bankContact: string): MailText {
  const body = [
    `${to} 様`,
    '',
    'WEB-FBサービスをご利用いただき、ありがとうございます。',
    ...lines,
    '',
    '――――――――――――――――――――',
    'このメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできません。',
    '当金庫がメールや電話でパスワードやワンタイムパスワードをお尋ねすることはありません。',
    'お心当たりのない場合やご不明な点は、下記までご連絡ください。',
    bankContact,
    '',
  ].join('\n');
  return { subject: PREFIX + subject, body };
}

export interface TransferFacts {
  receiptNumber: string;
  completedAt: number;
  amount: number;
  fee: number;
  bankName: string | null;
  branchName: string | null;
  bankCode: string;
  branchCode: string;
  accountType: 'ordinary' | 'current';
  accountNumber: string;
  payeeName: string;
  requester: string;
}

export function transferAccepted(to: string, t: TransferFacts, bankContact: string): MailText {
  const bank = `${t.bankName ?? t.bankCode} ${t.branchName ?? t.branchCode}`;
  return compose('振込受付のお知らせ', to, [
    '以下のお振込みを受け付けました。',
    '',
    `受付番号: ${t.receiptNumber}`,
    `受付日時: ${jstTime(t.completedAt)}`,
    `振込金額: ${yen(t.amount)}`,
    `振込手数料: ${yen(t.fee)}`,
    `振込先: ${bank} ${t.accountType === 'current' ? '当座' : '普通'} ${maskAccountNumber(t.accountNumber)}`,
    `受取人名: ${maskPayee(t.payeeName)}`,
    `ご依頼者: ${t.requester}`,
    '',
    'お心当たりのないお振込みの場合は、至急ご連絡ください。',
  ], bankContact);
}

export type TokenAction = 'register' | 'unregister' | 'replace';
const TOKEN_ACTION: Record<TokenAction, string> = { register: '登録', unregister: '登録解除', replace: '交換' };

export interface TokenFacts {
  action: TokenAction;
  /** Whose token: a user's name (A), or 共用トークン (B). */
  holder: string;
  /** Masked already, e.g. SYMC **** 5678; the new one for a replacement. */
  credential: string;
  at: number;
  /** Who did it: 管理者 …, or 営業店 (Q1). */
  by: string;
}

export function tokenChanged(to: string, f: TokenFacts, bankContact: string): MailText {
  const action = TOKEN_ACTION[f.action];
  return compose(`ワンタイムパスワードの${action}のお知らせ`, to, [
    `ワンタイムパスワード（ソフトウェアトークン）の${action}を行いました。`,
    '',
    `対象: ${f.holder}`,
    `トークンID: ${f.credential}`,
    `日時: ${jstTime(f.at)}`,
    `操作: ${f.by}`,
  ], bankContact);
}

export function locked(to: string, f: { secret: string; at: number; unlockBy: string }, bankContact: string): MailText {
  return compose(`${f.secret}のロックのお知らせ`, to, [
    `${f.secret}を続けて誤って入力されたため、${f.secret}をロックしました。`,
    '',
    `日時: ${jstTime(f.at)}`,
    `ロック解除: ${f.unlockBy}`,
    '',
    'お客さまご自身の操作でない場合は、第三者が不正に利用しようとしている可能性があります。',
  ], bankContact);
}

/** OWASP ASVS 4.0.3 §2.8.5: a one-time password used again within its validity is refused, logged and its holder told. */
export function codeReplayed(to: string, f: { at: number }, bankContact: string): MailText {
  return compose('ワンタイムパスワード再使用のお知らせ', to, [
    'すでに使用されたワンタイムパスワードが再度入力されたため、お取扱いをお断りしました。',
    '',
    `日時: ${jstTime(f.at)}`,
    '',
    'お客さまご自身が同じワンタイムパスワードを続けて入力された場合は、このメールは破棄してください。',
    'お心当たりのない場合は、ログインパスワードが第三者に知られている可能性があります。',
    'ただちにご連絡ください。',
  ], bankContact);
}

export function limitsChanged(to: string, f: { scope: string; perTransfer: number; daily: number; at: number; by: string }, bankContact: string): MailText {
  return compose('振込限度額変更のお知らせ', to, [
    '振込限度額を変更しました。',
    '',
    `対象: ${f.scope}`,
    `1回あたり: ${yen(f.perTransfer)}`,
    `1日あたり: ${yen(f.daily)}`,
    `日時: ${jstTime(f.at)}`,
    `操作: ${f.by}`,
  ], bankContact);
}

export function passwordChanged(to: string, f: { secrets: string[]; at: number; by: string }, bankContact: string): MailText {
  return compose('パスワード変更のお知らせ', to, [
    `${f.secrets.join('・')}を変更しました。`,
    '',
    `日時: ${jstTime(f.at)}`,
    `操作: ${f.by}`,
  ], bankContact);
}

export function emailChanged(to: string, f: { newAddress: string; at: number; by: string; toOld: boolean }, bankContact: string): MailText {
  return compose('メールアドレス変更のお知らせ', to, [
    f.toOld
      ? `お知らせメールの送信先を ${f.newAddress} に変更しました。今後、このアドレスにはお知らせをお送りしません。`
      : 'このメールアドレスを、WEB-FBサービスのお知らせメールの送信先として登録しました。',
    '',
    `日時: ${jstTime(f.at)}`,
    `操作: ${f.by}`,
  ], bankContact);
}

export function emailCode(to: string, f: { code: string; expiresAt: number }, bankContact: string): MailText {
  return compose('メールアドレス確認コードのお知らせ', to, [
    'お知らせメールの送信先をこのメールアドレスに変更するための確認コードです。',
    'WEB-FBサービスの「メールアドレス設定」画面で入力してください。',
    '',
    `確認コード: ${f.code}`,
    `有効期限: ${jstTime(f.expiresAt)}`,
    '',
    'お心当たりのない場合は、このメールを破棄してください。送信先は変更されません。',
  ], bankContact);
}

export function loginAfterFailures(to: string, f: { at: number; failures: number; clientIp: string | null }, bankContact: string): MailText {
  return compose('ログインのお知らせ', to, [
    `ログインパスワードの誤入力（${f.failures}回）の後に、ログインがありました。`,
    '',
    `日時: ${jstTime(f.at)}`,
    ...(f.clientIp ? [`接続元IPアドレス: ${f.clientIp}`] : []),
    '',
    'お客さまご自身の操作でない場合は、ただちにご連絡ください。',
  ], bankContact);
}
