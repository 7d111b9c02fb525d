import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, auditEvents, givenContract, givenUser, givenSignedInAdmin } from '../../helpers/fixtures';

const validForm = {
  loginId: 'taro.yamada',
  name: '山田太郎',
  password: 'Taro-Pass-1',
  transferPassword: 'Taro-Send-1',
  canTransfer: '1',
  approvalPassword: APPROVAL_PASSWORD,
};

describe('利用者管理: 利用者追加', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });


  test('when the administrator adds a user with 都度振込権限, then the user is listed and can log in', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/users', '/admin/users', validForm);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users');
    const page = await client.get('/admin/users');
    expect(page.text).toContain('利用者を登録しました。');
    expect(page.text).toContain('taro.yamada');
    expect(page.text).toContain('山田太郎');
    const user = (await ctx.deps.repos.users.findByLoginId('taro.yamada'))!;
    expect(user).toMatchObject({ companyId: company.id, role: 'user', name: '山田太郎', canTransfer: true, approvalPasswordHash: null });
    expect((await auditEvents(ctx.deps, 'user.add'))[0]).toMatchObject({
      outcome: 'success', actor: admin.loginId, companyId: company.id, subject: 'taro.yamada',
    });
    const login = await new FormClient(ctx.app).login('taro.yamada', 'Taro-Pass-1');
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
  });

  test('when the box 都度振込権限 is left unticked and the ID typed in full width, then the user has no transfer authority and a normalised ID', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/users', '/admin/users', { ...validForm, loginId: 'ｈａｎａｋｏ０１', canTransfer: [] });

    expect(res.status).toBe(303);
    expect((await ctx.deps.repos.users.findByLoginId('hanako01'))?.canTransfer).toBe(false);
    expect((await new FormClient(ctx.app).login('hanako01', 'Taro-Pass-1')).status).toBe(303);
  });

  test.each([
    ['everything is empty', { loginId: '', name: '', password: '', transferPassword: '', canTransfer: '1', approvalPassword: '' }, 'ログインIDを入力してください。'],
    ['the login ID is too short', { loginId: 'ab' }, 'ログインIDは半角英数字と「.」「_」「-」で4〜32文字で入力してください。'],
    ['the login ID has a space', { loginId: 'taro yamada' }, 'ログインIDは半角英数字と「.」「_」「-」で4〜32文字で入力してください。'],
    ['the password is short', { password: 'Ab1' }, 'ログインパスワードは半角英数記号8〜32文字で入力してください。'],
    ['the password has no digit', { password: 'abcdefghij' }, 'ログインパスワードには英字と数字をそれぞれ1文字以上含めてください。'],
    ['the 送信確認パスワード is weak', { transferPassword: '12345678' }, '送信確認パスワードには英字と数字をそれぞれ1文字以上含めてください。'],
    ['the name is over 40 characters', { name: 'あ'.repeat(41) }, '氏名は40文字以内で入力してください。'],
    ['the 承認用パスワード is empty', { approvalPassword: '' }, '承認用パスワードを入力してください。'],
  ])('when %s, then the form says so with 400, keeps the non-secret input and writes nothing', async (_case, change, message) => {
    const { company, client } = await givenSignedInAdmin(ctx);
    const form = { ...validForm, ...change };

    const res = await client.submit('/admin/users', '/admin/users', form);

    expect(res.status).toBe(400);
    expect(res.text).toContain('入力内容をご確認ください');
    expect(res.text.split(message).length - 1).toBe(2); // at the top and beside the field
    expect(res.text).toContain(`value="${form.loginId}"`);
    expect(res.text).toContain(`value="${form.name}"`);
    expect(res.text).toMatch(/name="canTransfer" value="1" checked/);
    for (const secret of [form.password, form.transferPassword, form.approvalPassword].filter(Boolean)) {
      expect(res.text).not.toContain(secret);
    }
    expect(await ctx.deps.repos.users.listByCompany(company.id)).toHaveLength(1);
    expect(await auditEvents(ctx.deps, 'user.add')).toHaveLength(0);
  });

  test('when the login ID is already used (even by another company), then the field says so and nothing is written', async () => {
    const other = await givenContract(ctx.deps);
    const taken = await givenUser(ctx.deps, other.company.id);
    const { company, client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/users', '/admin/users', { ...validForm, loginId: taken.loginId });

    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<p class="field-error" id="loginId-error">このログインIDはすでに使用されています。<\/p>/);
    expect(res.text).toContain(`value="${taken.loginId}"`);
    expect(res.text).not.toContain(validForm.password);
    expect(await ctx.deps.repos.users.listByCompany(company.id)).toHaveLength(1);
    expect((await ctx.deps.repos.users.findByLoginId(taken.loginId))?.companyId).toBe(other.company.id);
    expect(await auditEvents(ctx.deps, 'user.add')).toHaveLength(0);
  });

  test('when the 承認用パスワード is wrong, then the form says how many tries remain, nothing is written and the count goes up', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/users', '/admin/users', { ...validForm, approvalPassword: 'Wrong-Pass-9' });

    expect(res.status).toBe(400);
    expect(res.text).toContain('承認用パスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect(res.text).toContain('value="taro.yamada"');
    expect(res.text).not.toContain('Wrong-Pass-9');
    expect(await ctx.deps.repos.users.findByLoginId('taro.yamada')).toBeUndefined();
    expect(await ctx.deps.repos.users.listByCompany(company.id)).toHaveLength(1);
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(1);
    expect((await auditEvents(ctx.deps, 'approval_password.verify'))[0]).toMatchObject({ outcome: 'failure', subject: admin.loginId });
  });

  test('when the 承認用パスワード is wrong six times, then it is locked and the right one is refused too', async () => {
    const { admin, client } = await givenSignedInAdmin(ctx);
    for (let i = 0; i < 5; i += 1) {
      await client.submit('/admin/users', '/admin/users', { ...validForm, approvalPassword: 'Wrong-Pass-9' });
    }

    const sixth = await client.submit('/admin/users', '/admin/users', { ...validForm, approvalPassword: 'Wrong-Pass-9' });
    const right = await client.submit('/admin/users', '/admin/users', validForm);

    const locked = '承認用パスワードがロックされています。お取引店にお問い合わせください。';
    expect(sixth.status).toBe(400);
    expect(sixth.text).toContain(locked);
    expect(right.status).toBe(400);
    expect(right.text).toContain(locked);
    expect(await ctx.deps.repos.users.findByLoginId('taro.yamada')).toBeUndefined();
    expect(await ctx.deps.repos.locks.isLocked(admin.id, 'approvalPassword')).toBe(true);
    expect((await auditEvents(ctx.deps, 'lock'))[0]).toMatchObject({ subject: admin.loginId, detail: 'approvalPassword' });
  });

  test('when the form is posted without a CSRF token or with another session\'s, then it is refused with 403 and nothing is written', async () => {
    const { admin, client } = await givenSignedInAdmin(ctx);
    const otherSession = new FormClient(ctx.app);
    await otherSession.login(admin.loginId, ADMIN_PASSWORD);
    await otherSession.get('/admin/users');
    await client.get('/admin/users');

    const none = await client.agent.post('/admin/users').type('form').send({ ...validForm });
    const foreign = await client.agent.post('/admin/users').type('form').send({ ...validForm, _csrf: otherSession.csrfToken() });

    expect(none.status).toBe(403);
    expect(foreign.status).toBe(403);
    expect(await ctx.deps.repos.users.findByLoginId('taro.yamada')).toBeUndefined();
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(0);
  });
});
