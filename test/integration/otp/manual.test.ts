import type { Response } from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract, givenUser, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenToken, nextStep, type TestToken } from '../../helpers/otp';
import type { User } from '../../../src/repositories/users';

/** The href of the link with this exact text: the walk follows the pages, never a path it knows beforehand. */
function linkTo(html: string, text: string): string {
  const href = new RegExp(`<a href="([^"]+)"[^>]*>${text}</a>`).exec(html)?.[1];
  if (!href) throw new Error(`no link 「${text}」 on the page`);
  return href;
}

/** The form whose submit button reads this text: its method, action and hidden fields (as a browser posts them). */
function formWithButton(html: string, button: string): { method: string; action: string; hidden: Record<string, string> } {
  const forms = html.split('<form').slice(1).map((f) => f.slice(0, f.indexOf('</form>')));
  const form = forms.find((f) => new RegExp(`<button type="submit"[^>]*>${button}</button>`).test(f));
  const head = form && /method="(get|post)" action="([^"]+)"/.exec(form);
  if (!head) throw new Error(`no form with the button 「${button}」 on the page`);
  const hidden = Object.fromEntries(
    [...form.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].filter((m) => m[1] !== '_csrf').map((m) => [m[1]!, m[2]!]),
  );
  return { method: head[1]!, action: head[2]!, hidden };
}

describe('the manual walked through the screens (ワンタイムパスワード利用開始手順 §3(2)–(4))', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const balance = async (companyId: number): Promise<number> => (await ctx.deps.repos.companies.find(companyId))!.balance;

  async function follow(client: FormClient, res: Response): Promise<Response> {
    expect(res.status).toBe(303);
    return client.get(res.headers.location as string);
  }

  /** The confirm page (§3(4)) asks for the ワンタイムパスワード only; 確定 executes the transfer. */
  async function transferWithOtp(user: User, password: string, token: TestToken): Promise<void> {
    const client = new FormClient(ctx.app);
    await follow(client, await client.login(user.loginId, password));
    const input = await client.get(linkTo((await client.get('/')).text, '都度振込'));
    const confirm = await follow(client, await client.post(formWithButton(input.text, '次へ').action, VALID_TRANSFER_FORM));
    expect(confirm.text).toContain('<h1>振込内容確認</h1>');
    expect(confirm.text).toContain('<label for="otp">ワンタイムパスワード</label>');
    expect(confirm.text).not.toContain('name="transferPassword"');
    const done = await follow(client, await client.post(formWithButton(confirm.text, '確定').action, { otp: token.code() }));
    expect(done.text).toContain('<h1>受付完了</h1>');
    expect(done.text).toMatch(/<dt>受付番号<\/dt><dd class="receipt-number">[^<]+<\/dd>/);
  }

  /** 管理機能 → ワンタイムパスワード認証情報管理 → 利用形態設定 → A or B → 次へ (§3(2)①–③). */
  async function chooseMode(client: FormClient, label: string): Promise<Response> {
    const admin = await client.get(linkTo((await client.get('/')).text, '管理機能'));
    const overview = await client.get(linkTo(admin.text, 'ワンタイムパスワード認証情報管理'));
    const modeButton = formWithButton(overview.text, '利用形態設定');
    expect(modeButton.method).toBe('get');
    const modePage = await client.get(modeButton.action);
    const value = new RegExp(`name="mode" value="(\\w+)"> ${label}</label>`).exec(modePage.text)![1]!;
    return follow(client, await client.post(formWithButton(modePage.text, '次へ').action, { mode: value }));
  }

  /** A token form (④ or §3(3)②): トークンID, ワンタイムパスワード, 承認用パスワード → 確定 → ⑤. */
  async function enterToken(client: FormClient, page: Response, token: TestToken): Promise<Response> {
    const { action, hidden } = formWithButton(page.text, '確定');
    const done = await follow(client, await client.post(action, { ...hidden, credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD }));
    expect(done.text).toContain('<h1>登録完了</h1>');
    return done;
  }

  test('when the administrator follows mode A for the own token and two transfer users, then each of them confirms a transfer with an own code', async () => {
    const { company, admin } = await givenContract(ctx.deps, { balance: 1_000_000 });
    const users = [await givenUser(ctx.deps, company.id), await givenUser(ctx.deps, company.id)];
    const [adminToken, token1, token2] = [await givenToken(ctx), await givenToken(ctx), await givenToken(ctx)];
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const step4 = await chooseMode(client, '管理者、利用者が異なるトークンを利用する。');
    expect(step4.text).toContain('<h1>トークンを管理者に登録</h1>');
    const step5 = await enterToken(client, step4, adminToken);
    expect(step5.text).toContain('都度振込を行う権限のある他の全利用者に対してもソフトウェアトークンを登録する必要があります。');

    const overview = await client.get(linkTo(step5.text, 'ワンタイムパスワード認証情報管理'));
    const selection = formWithButton(overview.text, '登録・登録解除');
    const user1Page = await follow(client, await client.post(selection.action, { userIds: users.map((u) => String(u.id)) }));
    expect(user1Page.text).toContain(`<dd>${users[0]!.loginId}</dd>`);
    const done1 = await enterToken(client, user1Page, token1);
    const user2Page = await client.get(linkTo(done1.text, '次の利用者へ'));
    expect(user2Page.text).toContain(`<dd>${users[1]!.loginId}</dd>`);
    const done2 = await enterToken(client, user2Page, token2);
    expect(done2.text).not.toContain('次の利用者へ');
    const finalOverview = (await client.get(linkTo(done2.text, 'ワンタイムパスワード認証情報管理'))).text;
    expect(finalOverview).toContain('都度振込を行う権限のある全ての利用者にトークンが登録されています。');

    nextStep(ctx); // each registration spent its step (R2)
    await transferWithOtp(users[0]!, USER_PASSWORD, token1);
    await transferWithOtp(users[1]!, USER_PASSWORD, token2);
    await transferWithOtp(admin, ADMIN_PASSWORD, adminToken);
    expect(await balance(company.id)).toBe(1_000_000 - 3 * 1000);
  });

  test('when the administrator follows mode B with one token, then the administrator and a user both confirm transfers with codes of that token', async () => {
    const { company, admin } = await givenContract(ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(ctx.deps, company.id);
    const shared = await givenToken(ctx);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const step4 = await chooseMode(client, '管理者、利用者が同じトークンを利用する。');
    expect(step4.text).toContain('<h1>トークンを全利用者に対して登録</h1>');
    const step5 = await enterToken(client, step4, shared);
    expect(step5.text).toContain('<dd>全利用者（共用トークン）</dd>');

    nextStep(ctx);
    await transferWithOtp(admin, ADMIN_PASSWORD, shared);
    nextStep(ctx); // one token, one code per step, whoever uses it (R2)
    await transferWithOtp(user, USER_PASSWORD, shared);
    expect(await balance(company.id)).toBe(1_000_000 - 2 * 1000);
  });
});
