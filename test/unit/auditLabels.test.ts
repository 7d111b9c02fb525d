import fs from 'node:fs';
import path from 'node:path';
import type { AuditRow } from '../../src/repositories/audit';
import type { LockKind } from '../../src/repositories/credentialLocks';
import type { User } from '../../src/repositories/users';
import type { Staff } from '../../src/repositories/staff';
import { staffGuard, userGuard } from '../../src/services/secretCheck';
import { describeAuditDetail } from '../../src/web/auditDetails';
import { AUDIT_EVENT_GROUPS, auditEventLabel, knownAuditEvents } from '../../src/web/auditLabels';
import { auditRowView } from '../../src/web/auditView';

const SRC = path.resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/**
 * Every event code src/ writes: the `event: '…'` literals of audit.record
 * calls, and the events of the secret checks, which are named through a guard.
 */
function eventsWrittenInSrc(): string[] {
  const literals = sourceFiles(SRC).flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/\bevent: '([\w.]+)'/g)].map((m) => m[1]!));
  const kinds: LockKind[] = ['login', 'transferPassword', 'approvalPassword', 'otp'];
  const guarded = [
    ...kinds.map((kind) => userGuard({} as never, { id: 1, companyId: 1, loginId: 'x' } as User, kind).event),
    staffGuard({} as never, { id: 1, staffId: 'x' } as Staff).event,
  ];
  return [...new Set([...literals, ...guarded])].sort();
}

describe('操作履歴: every event has a Japanese name and a group', () => {
  test('when src/ is searched for the events it writes, then each has a Japanese name and exactly one filter group', () => {
    const written = eventsWrittenInSrc();

    expect(written.length).toBeGreaterThan(15);
    const unnamed = written.filter((e) => auditEventLabel(e) === e);
    const groups = Object.fromEntries(written.map((e) => [e, AUDIT_EVENT_GROUPS.filter((g) => g.events.includes(e)).map((g) => g.key)]));
    expect(unnamed).toEqual([]);
    expect(Object.entries(groups).filter(([, g]) => g.length !== 1)).toEqual([]);
  });

  test('when a group names an event, then it is a known event (no group filters by a typo)', () => {
    const known = knownAuditEvents();
    expect(AUDIT_EVENT_GROUPS.flatMap((g) => g.events).filter((e) => !known.includes(e))).toEqual([]);
  });

  test('when an event is unknown, then its code is shown as it is', () => {
    expect(auditEventLabel('future.event')).toBe('future.event');
  });
});

describe('操作履歴: 詳細 in words', () => {
  test.each([
    // login, staff login and the three secrets (R9): refusals and the count of wrong entries
    ['login', 'unknown id', '登録されていないIDです。'],
    ['login', 'failures=3', 'ログインパスワードが正しくありません（3回目の誤り）。'],
    ['login', 'locked', 'ロック中のため、照合していません。'],
    ['login', 'attemptsInFlight', '同時に照合中の入力が上限に達したため、照合していません。'],
    ['staff.login', 'failures=2', 'パスワードが正しくありません（2回目の誤り）。'],
    ['transfer_password.verify', 'failures=1', '送信確認パスワードが正しくありません（1回目の誤り）。'],
    ['approval_password.verify', 'failures=6', '承認用パスワードが正しくありません（6回目の誤り）。'],
    ['otp.verify', 'wrong failures=2', 'ワンタイムパスワードが正しくありません（2回目の誤り）。'],
    ['otp.verify', 'replayed failures=1', '使用済みのワンタイムパスワードが入力されました（1回目の誤り）。'],
    ['otp.verify', 'unknown failures=1', '登録されていないトークンのワンタイムパスワードです（1回目の誤り）。'],
    ['otp.verify', 'disabled failures=4', '利用停止中のトークンのワンタイムパスワードです（4回目の誤り）。'],
    ['otp.verify', 'sealBroken failures=1', 'トークンの情報を読み取れませんでした（1回目の誤り）。'],
    ['otp.verify', 'replayed', '直前に使用したワンタイムパスワードが再度入力されました（誤りの回数には数えません）。'],
    ['transfer.confirm', 'reason=replayed amount=1000', '使用済みのワンタイムパスワードが入力されました（振込金額 1,000円）。'],
    ['otp.verify', 'noToken', 'ワンタイムパスワードのトークンが登録されていません。'],
    ['otp.verify', 'locked', 'ロック中のため、照合していません。'],
    // locks and unlocks, by the secrets' names
    ['lock', 'login', 'ログインパスワードの誤りが続いたため、ロックしました。'],
    ['lock', 'transferPassword', '送信確認パスワードの誤りが続いたため、ロックしました。'],
    ['lock', 'approvalPassword', '承認用パスワードの誤りが続いたため、ロックしました。'],
    ['lock', 'otp', 'ワンタイムパスワードの誤りが続いたため、ロックしました。'],
    ['lock', 'staff', '行員のログインパスワードの誤りが続いたため、ロックしました。'],
    ['unlock', 'login,otp', 'ログインパスワード・ワンタイムパスワードのロックを解除しました。'],
    ['unlock', 'staff', '行員のログインパスワードのロックを解除しました。'],
    // 利用形態 (§3(2)③) by the manual's names
    ['otp.mode', 'individual', '利用形態を「A：管理者、利用者が異なるトークンを利用する。」に設定しました。'],
    ['otp.mode', 'shared', '利用形態を「B：管理者、利用者が同じトークンを利用する。」に設定しました。'],
    // token registration and unregistration, customer side and branch (Q1)
    ['otp.register', 'SYMC **** 5678', 'トークンID SYMC **** 5678 を登録しました。'],
    ['otp.register', 'taken', 'このトークンは既に登録されています（他の利用者または他の契約先）。'],
    ['otp.register', 'registered', 'この利用者には既にトークンが登録されています。'],
    ['otp.register', 'primaryRegistered', '管理者（共用）のトークンは既に登録されています。'],
    ['otp.unregister', 'SYMC **** 5678', 'トークンID SYMC **** 5678 の登録を解除しました。'],
    ['otp.unregister', 'branchOnly', '管理者のトークン・共用トークンの登録解除は営業店でのお手続きが必要です。'],
    ['otp.unregister', '書面受付番号=RQ-2026-001 届出印確認済 SYMC **** 5678', '書面（受付番号 RQ-2026-001）により、お届け印を確認のうえ、トークンID SYMC **** 5678 の登録を解除しました。'],
    ['otp.unregister', '書面受付番号=RQ-7 duplicateRequest', '書面（受付番号 RQ-7）：この書面受付番号は既に使われています。'],
    ['otp.unregister', '書面受付番号=RQ-7 notRegistered', '書面（受付番号 RQ-7）：登録解除できるトークンがありません。'],
    // transfers (R10): amounts in yen, refusals in words
    ['transfer.confirm', 'amount=30000', '振込金額 30,000円。'],
    ['transfer.confirm', 'amount=30000 fee=440', '振込金額 30,000円、振込手数料 440円。'],
    ['transfer.confirm', 'reason=wrong amount=30000', '送信確認パスワードまたはワンタイムパスワードが正しくありませんでした（振込金額 30,000円）。'],
    ['transfer.confirm', 'reason=insufficient amount=1200000', '残高が不足していました（振込金額 1,200,000円）。'],
    ['transfer.confirm', 'reason=expired amount=1000', '振込内容確認の有効期限が切れていました（振込金額 1,000円）。'],
    ['transfer.confirm', 'reason=completed amount=1000', '既に確定済みの振込です（振込金額 1,000円）。'],
    ['transfer.confirm', 'reason=locked amount=1000', 'ロック中のため確定できませんでした（振込金額 1,000円）。'],
    ['transfer.confirm', 'reason=noToken amount=1000', 'ワンタイムパスワードのトークンが登録されていませんでした（振込金額 1,000円）。'],
    ['transfer.confirm', 'reason=refused amount=1000', 'ワンタイムパスワードの利用開始後のため、送信確認パスワードでは確定できませんでした（振込金額 1,000円）。'],
    // 利用者管理 and the branch
    ['user.add', '都度振込権限あり', '都度振込権限ありで登録しました。'],
    ['user.add', '都度振込権限なし', '都度振込権限なしで登録しました。'],
    ['user.password_reset', 'password', 'ログインパスワードを再設定しました。'],
    ['user.password_reset', 'password,transferPassword', 'ログインパスワード・送信確認パスワードを再設定しました。'],
    ['access.denied', 'administrator', '管理者のIDは利用者管理の対象外です（営業店でのお手続きが必要です）。'],
    ['access.denied', 'userId=42', '存在しない利用者（内部番号 42）が指定されました。'],
    ['contract.open', '口座 1000001 開設残高 1000000', '代表口座 普通 1000001、開設残高 1,000,000円。'],
    ['token.provision', 'mobile', 'スマートフォン・タブレット用のトークンです。'],
    ['token.import', 'desktop', 'パソコン用（都度振込には使えません）のトークンです。'],
    ['key.rotate', '3 secret(s) re-sealed under key k2', '3件のトークンの秘密情報を新しい鍵（k2）で暗号化し直しました。'],
  ])('when %s has the detail %j, then it reads 「%s」', (event, detail, words) => {
    expect(describeAuditDetail(event, detail)).toBe(words);
  });

  test.each([
    ['a future reason', 'transfer.confirm', 'reason=tooLate amount=1000', 'reason=tooLate amount=1000'],
    ['a future key', 'transfer.confirm', 'amount=1000 channel=api', 'amount=1000 channel=api'],
    ['an unknown event', 'future.event', 'x=1 <b>', 'x=1 <b>'],
    ['a failed key rotation', 'key.rotate', 'Cannot open sealed secret 12', 'Cannot open sealed secret 12'],
    ['a full トークンID', 'otp.register', 'SYMC12345678', 'SYMC **** 5678'],
    ['a full トークンID in an unknown text', 'future.event', 'moved SYMC12345678 to VSMT87654321', 'moved SYMC **** 5678 to VSMT **** 4321'],
  ])('when the detail is %s, then it is shown as it is (the template escapes it), full トークンIDs masked', (_case, event, detail, shown) => {
    expect(describeAuditDetail(event, detail)).toBe(shown);
  });

  test('when there is no detail, then 詳細 is empty', () => {
    expect(describeAuditDetail('login', null)).toBe('');
    expect(describeAuditDetail('logout', '')).toBe('');
  });
});

describe('操作履歴: a row as each side reads it', () => {
  const row = (r: Partial<AuditRow>): AuditRow => ({
    id: 1, occurredAt: Date.UTC(2026, 10, 26, 15, 30, 0), companyId: 1, companyName: '東町商店', actorType: 'user', actor: 'admin1',
    event: 'login', subject: null, clientIp: '192.0.2.1', outcome: 'success', detail: null, ...r,
  });

  test('when a customer reads a branch employee\'s action, then it names 当金庫 and hides the employee\'s ID and address', () => {
    const r = row({ actorType: 'staff', actor: 'staff7', clientIp: '10.0.0.9', event: 'unlock', detail: 'login' });
    expect(auditRowView(r, 'customer')).toMatchObject({ actor: '当金庫（営業店）', clientIp: '' });
    expect(auditRowView(r, 'staff')).toMatchObject({ actor: '行員 staff7', clientIp: '10.0.0.9' });
  });

  test('when a row is shown, then its time is JST, its outcome in words, and a transfer names its receipt or draft', () => {
    expect(auditRowView(row({ event: 'transfer.confirm', subject: '20261127-000001', detail: 'amount=1000' }), 'customer'))
      .toMatchObject({ occurredAt: '2026/11/27 00:30:00', operation: '都度振込確定', subject: '受付番号 20261127-000001', outcome: '成功', failed: false });
    expect(auditRowView(row({ event: 'transfer.confirm', subject: '#12', outcome: 'failure', detail: 'reason=expired amount=1000' }), 'customer'))
      .toMatchObject({ subject: '振込依頼 #12', outcome: '失敗', failed: true });
  });

  test('when a provisioned token is the subject, then its トークンID is masked; an unknown client is marked as such', () => {
    expect(auditRowView(row({ actorType: 'system', actor: 'cli', event: 'token.provision', subject: 'SYMC12345678' }), 'staff'))
      .toMatchObject({ actor: 'システム（管理コマンド）', subject: 'SYMC **** 5678' });
    expect(auditRowView(row({ actorType: 'anonymous', actor: 'guess', companyName: null }), 'staff')).toMatchObject({ actor: 'guess（未登録のID）', company: '—' });
  });
});
