// Japanese names of audit events for the 操作履歴 screens. Event codes stay
// English in the database; an unknown code is shown as it is.
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
  'token.provision': 'トークン発行',
  'token.import': 'トークン取込',
  'key.rotate': '暗号鍵更新',
  'transfer.confirm': '都度振込確定',
  'user.add': '利用者登録',
  'user.password_reset': 'パスワード再設定',
  'contract.open': '契約登録',
  'staff.add': '行員登録',
  'staff.login': '行員ログイン',
  'staff.logout': '行員ログアウト',
  'access.denied': '権限のない操作',
};

const lockKinds: Record<string, string> = {
  login: 'ログインパスワード',
  transferPassword: '送信確認パスワード',
  approvalPassword: '承認用パスワード',
  otp: 'ワンタイムパスワード',
};

export const auditEventLabel = (event: string): string => labels[event] ?? event;
export const lockKindLabel = (kind: string): string => lockKinds[kind] ?? kind;
