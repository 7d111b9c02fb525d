import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract, givenUser, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';

describe('one OTP rate limit per user across every form that takes a code (DESIGN §6, issue 11)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({ OTP_RATE_LIMIT: '3' });
  });

  test('when the limit is spent across 振込内容確認 and a user’s token registration, then the next code is refused with 429 and the Japanese page', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const adminToken = await givenToken(ctx);
    const userToken = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }]);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    const drafted = await client.submit('/transfers/new', '/transfers', VALID_TRANSFER_FORM);
    const confirmPath = drafted.headers.location as string;
    const wrong = adminToken.code() === '000000' ? '111111' : '000000';

    await client.submit(confirmPath, confirmPath, { otp: wrong });
    await client.submit(`/admin/otp/users/${user.id}`, `/admin/otp/users/${user.id}`, {
      operation: 'register', credentialId: userToken.credentialId, otp: wrong, approvalPassword: APPROVAL_PASSWORD,
    });
    await client.submit(confirmPath, confirmPath, { otp: wrong });
    const limited = await client.submit(confirmPath, confirmPath, { otp: adminToken.code() });

    expect(limited.status).toBe(429);
    expect(limited.text).toContain('ワンタイムパスワードの入力が多すぎます。しばらくしてから再度お試しください。');
    expect(await scalar(ctx.storage, "SELECT count(*) FROM transfers WHERE status = 'completed'")).toBe(0);
  });
});
