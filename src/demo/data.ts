/**
 * The demo contract's data (DEMO=1). Fixed, published credentials: this data
 * exists only for demonstrations and is never loaded in production by default.
 * Plain data without imports, so that the loader (seed.ts) and the demo phone
 * (services/tokenRegister.ts demoTokens) both read it.
 */
const admin = { loginId: 'demo-admin', name: '管理 太郎', password: 'Admin-Pass-1', transferPassword: 'Send-Pass-1', approvalPassword: 'Approve-Pass-1', email: 'demo-admin@demo-shoji.example' } as const;
const user1 = { loginId: 'demo-user1', name: '振込 花子', password: 'User1-Pass-1', transferPassword: 'Send1-Pass-1', canTransfer: true, email: 'demo-user1@demo-shoji.example' } as const;
const user2 = { loginId: 'demo-user2', name: '照会 次郎', password: 'User2-Pass-1', transferPassword: 'Send2-Pass-1', canTransfer: false, email: 'demo-user2@demo-shoji.example' } as const;

/**
 * One demo phone's VIP Access token: whom it is meant for (a login ID of the
 * data above, the spare, or the PC token) and where the manual's walk uses it.
 */
export interface DemoToken {
  credentialId: string;
  meantFor: { role: 'admin' | 'user'; loginId: string } | 'spare' | 'pc';
  /** Shown on /softtoken under the label: where the token is used in the walk (README "Walking the manual"). */
  use: string;
}

export const DEMO = {
  companyName: 'デモ商事株式会社',
  balance: 10_000_000,
  admin,
  users: [user1, user2],
  staff: { staffId: 'staff01', name: '窓口 一郎', password: 'Staff-Pass-1' },
  /**
   * The demo phones' VIP Access tokens (GET /softtoken): fixed credential IDs,
   * random secrets, none registered, so the demo walks the manual's §3(2)–(3).
   */
  tokens: {
    admin: { credentialId: 'SYMC10000001', meantFor: { role: 'admin', loginId: admin.loginId }, use: '利用形態A：④-1 トークン登録で管理者に登録します。' },
    user1: { credentialId: 'SYMC10000002', meantFor: { role: 'user', loginId: user1.loginId }, use: 'ワンタイムパスワード認証情報で「選択」→「登録・登録解除」から登録します。' },
    spare: { credentialId: 'SYMC10000003', meantFor: 'spare', use: '営業店で管理者のトークンを登録解除した後の「新しいスマートフォン」、または利用形態Bの共用トークン（④-2）として登録します。' },
    /** A PC token, to show the refusal of manual §2. */
    pc: { credentialId: 'SYDC10000004', meantFor: 'pc', use: 'トークン登録でこのトークンIDを入力すると、パソコンのトークンは使えないと拒否されます（マニュアル§2）。' },
  } satisfies Record<string, DemoToken>,
} as const;

/** Whom a demo token is meant for, in the words /softtoken shows; undefined for a token the demo data does not know. */
export function demoTokenPurpose(credentialId: string): { label: string; use: string } | undefined {
  const token = Object.values(DEMO.tokens).find((t) => t.credentialId === credentialId);
  if (!token) return undefined;
  const { meantFor, use } = token as DemoToken;
  if (meantFor === 'pc') return { label: 'PCトークン（登録できない例）', use };
  if (meantFor === 'spare') return { label: '予備（新しいスマートフォン・共用トークン）', use };
  return { label: `${meantFor.role === 'admin' ? '管理者' : '利用者'} ${meantFor.loginId} 用`, use };
}
