// The vocabulary of the 操作履歴 screens: Japanese names of audit events, the
// groups the screens filter by, and the names of the secrets a lock holds.
// Event codes stay English in the database; an unknown code is shown as it is.

const labels: Record<string, string> = {
  login: 'ログイン',
  logout: 'ログアウト',
  lock: 'ロック',
  unlock: 'ロック解除',
  'transfer_password.verify': '送信確認パスワード照合',
  'approval_password.verify': '承認用パスワード照合',
  'otp.verify': 'ワンタイムパスワード照合',
  'otp.mode': '利用形態設定',
  'otp.register': 'トークン登録',
  'otp.unregister': 'トークン登録解除',
  'otp.resync': '同期ズレ補正',
  'otp.replace': 'トークン切替',
  'otp.drift_reset': '同期ズレ補正のリセット',
  'token.provision': 'トークン発行',
  'token.import': 'トークン取込',
  'key.rotate': '暗号鍵更新',
  'transfer.confirm': '都度振込確定',
  'transfer.limit': '振込限度額超過',
  'limits.bank': '振込限度額設定（当金庫）',
  'limits.company': '振込限度額設定',
  'limits.user': '利用者の振込限度額設定',
  'user.transfer_authority': '都度振込権限変更',
  'user.add': '利用者登録',
  'user.password_reset': 'パスワード再設定',
  'email.change_request': 'メールアドレス変更（確認コード送信）',
  'email.change': 'メールアドレス変更',
  'contract.open': '契約登録',
  'staff.add': '行員登録',
  'staff.login': '行員ログイン',
  'staff.logout': '行員ログアウト',
  'access.denied': '権限のない操作',
};

export interface AuditEventGroup {
  /** The value of the 操作 select (?operation=). */
  key: string;
  label: string;
  events: readonly string[];
  /** Bank-side operations only: not offered on the customer's 操作履歴, where they never appear. */
  staffOnly?: true;
}

/** The 操作 filter of both 操作履歴 screens; every known event is in exactly one group. */
export const AUDIT_EVENT_GROUPS: readonly AuditEventGroup[] = [
  { key: 'login', label: 'ログイン・ログアウト', events: ['login', 'logout', 'staff.login', 'staff.logout'] },
  { key: 'transfer', label: '振込', events: ['transfer.confirm', 'transfer_password.verify', 'transfer.limit'] },
  { key: 'limits', label: '振込限度額', events: ['limits.bank', 'limits.company', 'limits.user'] },
  { key: 'otp', label: 'ワンタイムパスワード', events: ['otp.verify', 'otp.mode', 'otp.register', 'otp.unregister', 'otp.resync', 'otp.replace', 'otp.drift_reset'] },
  { key: 'users', label: '利用者管理・承認用パスワード', events: ['user.add', 'user.password_reset', 'user.transfer_authority', 'approval_password.verify', 'access.denied', 'email.change_request', 'email.change'] },
  { key: 'lock', label: 'ロック・ロック解除', events: ['lock', 'unlock'] },
  { key: 'contract', label: '契約', events: ['contract.open'] },
  { key: 'bank', label: '行員・トークン発行・暗号鍵', events: ['staff.add', 'token.provision', 'token.import', 'key.rotate'], staffOnly: true },
];

/** Who reads the 操作履歴: a customer's administrator (own company) or branch staff (every company). */
export type AuditAudience = 'customer' | 'staff';

export const auditGroupsFor = (audience: AuditAudience): readonly AuditEventGroup[] =>
  audience === 'staff' ? AUDIT_EVENT_GROUPS : AUDIT_EVENT_GROUPS.filter((g) => !g.staffOnly);

export const knownAuditEvents = (): string[] => Object.keys(labels);

/** The secrets a lock counts, by their names in the manual (R9); 'staff' is a branch employee's login. */
const lockKinds: Record<string, string> = {
  login: 'ログインパスワード',
  transferPassword: '送信確認パスワード',
  approvalPassword: '承認用パスワード',
  otp: 'ワンタイムパスワード',
  staff: '行員のログインパスワード',
};

export const auditEventLabel = (event: string): string => labels[event] ?? event;
export const lockKindLabel = (kind: string): string => lockKinds[kind] ?? kind;
export const isLockKind = (kind: string): boolean => kind in lockKinds;
