import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { auditEvents, givenContract, givenUser, USER_PASSWORD } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';
import type { User } from '../../../src/repositories/users';

const OLD = 'old@example.co.jp';

describe('メールアドレス設定: a user changes their own address with a code sent to it (issue 14)', () => {
  let ctx: TestContext;
  let user: User;
  let client: FormClient;
  beforeEach(async () => {
    ctx = await createTestContext({ EMAIL_CODE_TTL_MINUTES: '10' });
    const { company } = await givenContract(ctx.deps);
    user = await givenUser(ctx.deps, company.id);
    await ctx.deps.repos.emails.setEmail(user.id, OLD);
    client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
  });

  const mails = () =>
    ctx.storage.all<{ kind: string; recipient: string; subject: string; body: string }>('SELECT kind, recipient, subject, body FROM mail_outbox ORDER BY id');
  const codeSentTo = async (address: string): Promise<string> =>
    /確認コード: (\d{6})/.exec((await mails()).filter((m) => m.recipient === address && m.kind === 'email.code').at(-1)!.body)![1]!;
  const stored = async () => (await ctx.deps.repos.emails.recipient(user.id))!.email;

  test('when the user enters a new address and the code sent to it, then it becomes the notice address and the old one is told', async () => {
    const asked = await client.submit('/settings', '/settings/email', { email: ' Ｈａｎａｋｏ@Example.CO.JP ' });
    expect(asked.status).toBe(303);
    const code = await codeSentTo('hanako@example.co.jp');
    expect(await stored()).toBe(OLD);

    const done = await client.submit('/settings', '/settings/email/confirm', { code });

    expect(done.status).toBe(303);
    expect(await stored()).toBe('hanako@example.co.jp');
    const page = readPage((await client.get('/settings')).text);
    expect(page.term('お知らせメールの送信先')).toBe('hanako@example.co.jp');
    expect(page.status()).toEqual(['お知らせメールの送信先を hanako@example.co.jp に変更しました。']);
    const toOld = (await mails()).filter((m) => m.recipient === OLD);
    expect(toOld.map((m) => m.subject)).toEqual(['【WEB-FB】メールアドレス変更のお知らせ']);
    expect(toOld[0]!.body).toContain('h***@example.co.jp');
    expect(toOld[0]!.body).not.toContain('hanako@');
    expect((await auditEvents(ctx.deps, 'email.change'))[0]).toMatchObject({ outcome: 'success', detail: 'h***@example.co.jp' });
  });

  test('when the address is malformed, then the same form says so in Japanese and keeps what was typed', async () => {
    const res = await client.submit('/settings', '/settings/email', { email: 'hanako@@example' });

    expect(res.status).toBe(400);
    const field = readPage(res.text).field('新しいメールアドレス')!;
    expect(field.value).toBe('hanako@@example');
    expect(field.invalid).toBe(true);
    expect(field.description).toContain('新しいメールアドレスの形式が正しくありません（例: taro@example.co.jp）。');
    expect(await mails()).toEqual([]);
  });

  test('when a wrong code is entered, then the code form says so with the attempts left, keeps the code typed, and nothing changes', async () => {
    await client.submit('/settings', '/settings/email', { email: 'hanako@example.co.jp' });
    const right = await codeSentTo('hanako@example.co.jp');
    const wrong = right === '000000' ? '111111' : '000000';

    const res = await client.submit('/settings', '/settings/email/confirm', { code: wrong });

    expect(res.status).toBe(400);
    const field = readPage(res.text).field('確認コード')!;
    expect(field.value).toBe(wrong);
    expect(field.description).toContain('確認コードが正しくありません。あと 4 回誤ると、このメールアドレスの変更は取り消されます。');
    expect(await stored()).toBe(OLD);
  });

  test('when the code has expired, then the code form says to start again, keeps the code typed, and nothing changes', async () => {
    await client.submit('/settings', '/settings/email', { email: 'hanako@example.co.jp' });
    const code = await codeSentTo('hanako@example.co.jp');
    ctx.clock.advance(10 * 60_000);

    const res = await client.submit('/settings', '/settings/email/confirm', { code });

    expect(res.status).toBe(400);
    const field = readPage(res.text).field('確認コード')!;
    expect(field.value).toBe(code);
    expect(field.description).toContain('確認コードの有効期限が切れています。もう一度、新しいメールアドレスを入力して確認コードを受け取ってください。');
    expect(await stored()).toBe(OLD);
  });

  test('when five wrong codes are entered, then the change is voided and even the right code no longer works', async () => {
    await client.submit('/settings', '/settings/email', { email: 'hanako@example.co.jp' });
    const right = await codeSentTo('hanako@example.co.jp');
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) await client.submit('/settings', '/settings/email/confirm', { code: wrong });

    const res = await client.submit('/settings', '/settings/email/confirm', { code: right });

    expect(res.status).toBe(400);
    expect(readPage(res.text).field('確認コード')!.description).toContain('確認中のメールアドレスの変更はありません。新しいメールアドレスを入力してください。');
    expect(await stored()).toBe(OLD);
  });

  test('when a second code is asked for within a minute, then it is refused and no second mail is written', async () => {
    await client.submit('/settings', '/settings/email', { email: 'hanako@example.co.jp' });
    const res = await client.submit('/settings', '/settings/email', { email: 'other@example.co.jp' });

    expect(res.status).toBe(400);
    expect(readPage(res.text).field('新しいメールアドレス')!.value).toBe('other@example.co.jp');
    expect((await mails()).map((m) => m.recipient)).toEqual(['hanako@example.co.jp']);
  });

  test('when nobody is signed in, then the settings page sends to the login', async () => {
    const res = await new FormClient(ctx.app).get('/settings');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
  });
});
