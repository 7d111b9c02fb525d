import { alertsOf, BlackBoxBrowser, choiceValue, headingOf, mainText, phoneCodes, termOf, type Answer } from './blackBoxBrowser';

/**
 * The customer's walk of the README, over HTTP only (issue 12, must-show):
 * "Walking the manual on the demo" steps 2–5 with the published demo
 * credentials — the administrator chooses 利用形態 A and registers the demo
 * tokens, reading their codes on the demo phone (/softtoken) — then
 * demo-user1 makes the 都度振込 of "Demo data and a first transfer" and
 * confirms it with the phone's next code; the receipt, the balance and
 * 振込履歴; the same code again; wrong codes until the lock; ログアウト.
 *
 * Every step records what a person sees: the status, where a redirect leads,
 * the page's heading, its alerts and its whole text. Times, dates, receipt
 * numbers and ids are put in angle brackets — they differ by the clock and
 * by sequence values — so that two setups can be compared with toEqual.
 */

export interface Observation {
  step: string;
  status: number;
  location?: string;
  heading?: string;
  alerts?: string[];
  text?: string;
}

export interface WalkResult {
  steps: Observation[];
  /** 受付番号 as 受付完了 shows it, and whether 振込履歴 lists it. */
  receiptNumber: string | undefined;
  receiptInHistory: boolean;
  /** The nodes that answered the customer's browser, in order (behind nginx). */
  upstreams: string[];
}

const USAGE_A = '管理者、利用者が異なるトークンを利用する。';
// The README's first transfer: 0001 / 001 / 普通 / 1234567 / ヤマダ タロウ / 10,000.
const README_TRANSFER = { bankCode: '0001', branchCode: '001', accountNumber: '1234567', payeeName: 'ヤマダ タロウ', amount: '10,000' };

export function normalise(text: string): string {
  return text
    .replace(/\d{8}-\d{8}/g, '<受付番号>')
    .replace(/\d{4}\/\d{1,2}\/\d{1,2}/g, '<日付>')
    .replace(/\d{4}年\d{1,2}月\d{1,2}日/g, '<日付>')
    .replace(/\d{1,2}:\d{2}(:\d{2})?/g, '<時刻>');
}

function observe(step: string, answer: Answer): Observation {
  if (answer.status >= 300 && answer.status < 400) return { step, status: answer.status, location: answer.location?.replace(/\/\d+(?=\/|$|\?)/g, '/<id>') };
  return { step, status: answer.status, heading: headingOf(answer.html), alerts: alertsOf(answer.html), text: normalise(mainText(answer.html)) };
}

export async function customerWalk(base: string): Promise<WalkResult> {
  const browser = new BlackBoxBrowser(base);
  const phone = new BlackBoxBrowser(base); // the second tab of step 1: /softtoken needs no login
  const steps: Observation[] = [];
  const see = (step: string, answer: Answer): Answer => (steps.push(observe(step, answer)), answer);
  const codeOf = async (credentialId: string): Promise<string> => {
    const code = phoneCodes((await phone.open('/softtoken?auto=off')).html)[credentialId];
    if (!code) throw new Error(`the demo phone shows no code for ${credentialId}`);
    return code;
  };
  const signIn = async (loginId: string, password: string): Promise<Answer> => {
    const login = see(`ログイン画面（${loginId}）`, await browser.open('/login'));
    return see(`メニュー（${loginId}）`, await browser.follow(see(`ログイン（${loginId}）`, await browser.submit(login, 'ログイン', { loginId, password }))));
  };
  const signOut = async (page: Answer, who: string): Promise<void> => {
    see(`ログイン画面（${who} のログアウト後）`, await browser.follow(see(`ログアウト（${who}）`, await browser.submit(page, 'ログアウト'))));
    see(`メニュー（${who} のログアウト後）`, await browser.open('/'));
  };

  // Walking the manual, steps 2–4: 利用形態 A, the administrator's token, demo-user1's token.
  const adminMenu = await signIn('demo-admin', 'Admin-Pass-1');
  const overview = see('ワンタイムパスワード認証情報', await browser.click(await browser.click(adminMenu, '管理機能'), 'ワンタイムパスワード認証情報管理'));
  const mode = see('利用形態設定', await browser.submit(overview, '利用形態設定'));
  const adminForm = see('トークン登録（管理者）', await browser.follow(see('利用形態 A', await browser.submit(mode, '次へ', { mode: choiceValue(mode.html, USAGE_A) }))));
  const approval = { approvalPassword: 'Approve-Pass-1' };
  const adminOtp = { credentialId: 'SYMC10000001', otp: await codeOf('SYMC10000001'), ...approval };
  const adminDone = see('登録完了（管理者）', await browser.follow(see('確定（管理者のトークン）', await browser.submit(adminForm, '確定', adminOtp))));
  const users = see('ワンタイムパスワード認証情報（利用者を選ぶ）', await browser.click(adminDone, 'ワンタイムパスワード認証情報管理'));
  const userForm = see('トークン登録（demo-user1）', await browser.follow(see('登録・登録解除', await browser.submit(users, '登録・登録解除', { userIds: choiceValue(users.html, '選択（demo-user1）') }))));
  const registered = await codeOf('SYMC10000002');
  const userDone = see('登録完了（demo-user1）', await browser.follow(see('確定（demo-user1 のトークン）', await browser.submit(userForm, '確定', { credentialId: 'SYMC10000002', otp: registered, ...approval }))));
  await signOut(userDone, 'demo-admin');

  // Step 5: demo-user1's 都度振込, confirmed with the phone's code.
  const userMenu = await signIn('demo-user1', 'User1-Pass-1');
  const draft = async (step: string): Promise<Answer> => {
    const input = see(`都度振込（${step}）`, await browser.click(userMenu, '都度振込'));
    return see(`振込内容確認（${step}）`, await browser.follow(see(`次へ（${step}）`, await browser.submit(input, '次へ', { accountType: choiceValue(input.html, '普通'), ...README_TRANSFER }))));
  };
  const confirm = await draft('1件目');
  const wrong = (code: string): string => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
  const refused = see('確定（誤ったコード）', await browser.submit(confirm, '確定', { otp: wrong(registered) }));
  // A code works once, and the registration spent this one: the walk waits for the phone's next (README step 3).
  const code = await nextCode(() => codeOf('SYMC10000002'), registered);
  const receipt = see('受付完了', await browser.follow(see('確定（正しいコード）', await browser.submit(refused, '確定', { otp: code }))));
  const receiptNumber = termOf(receipt.html, '受付番号');
  see('メニュー（振込の後）', await browser.click(receipt, 'メニューへ戻る'));
  const history = see('振込履歴', await browser.click(receipt, '振込履歴'));

  // The same code for a second transfer, then wrong codes until the lock (R9: six in a row).
  const second = await draft('2件目');
  let answer = see('確定（使用済みのコード）', await browser.submit(second, '確定', { otp: code }));
  for (let i = 1; i <= 8 && answer.status !== 403; i += 1) {
    answer = see(`確定（誤ったコード ${i} 回目）`, await browser.submit(answer, '確定', { otp: wrong(code) }));
  }
  see('メニュー（ロックの後）', await browser.open('/'));
  await signOut(answer, 'demo-user1');

  return { steps, receiptNumber, receiptInHistory: !!receiptNumber && mainText(history.html).includes(receiptNumber), upstreams: browser.upstreams };
}

/** The phone's code once it differs from `spent` (the next 30-second step), polled as a person glances at it. */
async function nextCode(read: () => Promise<string>, spent: string): Promise<string> {
  const deadline = Date.now() + 35_000;
  for (;;) {
    const code = await read();
    if (code !== spent) return code;
    if (Date.now() > deadline) throw new Error('the demo phone showed the same code for 35 s');
    await new Promise((r) => setTimeout(r, 500));
  }
}
