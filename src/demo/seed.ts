import type { Deps } from '../deps';
import { platformOf } from '../domain/token';
import { openContract } from '../services/contracts';
import { hashNewUser, insertUser } from '../services/users';
import { addStaff } from '../services/staffAccounts';
import { provisionToken } from '../services/tokenRegister';

/**
 * The demo contract (DEMO=1). Fixed, published credentials: this data exists
 * only for demonstrations and is never loaded in production by default.
 */
export const DEMO = {
  companyName: 'デモ商事株式会社',
  balance: 10_000_000,
  admin: { loginId: 'demo-admin', name: '管理 太郎', password: 'Admin-Pass-1', transferPassword: 'Send-Pass-1', approvalPassword: 'Approve-Pass-1' },
  users: [
    { loginId: 'demo-user1', name: '振込 花子', password: 'User1-Pass-1', transferPassword: 'Send1-Pass-1', canTransfer: true },
    { loginId: 'demo-user2', name: '照会 次郎', password: 'User2-Pass-1', transferPassword: 'Send2-Pass-1', canTransfer: false },
  ],
  staff: { staffId: 'staff01', name: '窓口 一郎', password: 'Staff-Pass-1' },
  /**
   * The demo phones' VIP Access tokens (GET /softtoken): fixed credential IDs,
   * random secrets, none registered, so the demo walks the manual's §3(2)–(3).
   */
  tokens: {
    admin: 'SYMC10000001',
    user1: 'SYMC10000002',
    spare: 'SYMC10000003',
    /** A PC token, to show the refusal of manual §2. */
    pc: 'SYDC10000004',
  },
} as const;

const system = { type: 'system' as const, id: 'seed-demo', companyId: null, clientIp: null };

/** Loads the demo data unless any contract exists; returns whether it did. */
export async function seedDemoIfEmpty(deps: Deps): Promise<boolean> {
  if (!deps.repos.companies.isEmpty()) return false;
  const company = await openContract(
    deps,
    {
      companyName: DEMO.companyName,
      accountBalance: DEMO.balance,
      adminLoginId: DEMO.admin.loginId,
      adminName: DEMO.admin.name,
      adminPassword: DEMO.admin.password,
      adminApprovalPassword: DEMO.admin.approvalPassword,
      adminTransferPassword: DEMO.admin.transferPassword,
    },
    system,
  );
  const users = await Promise.all(
    DEMO.users.map((u) =>
      hashNewUser(deps, { ...u, companyId: company.id, role: 'user', approvalPassword: null }),
    ),
  );
  deps.db.transaction(() => users.forEach((u) => insertUser(deps, u)))();
  if (!deps.repos.staff.findByStaffId(DEMO.staff.staffId)) {
    await addStaff(deps, DEMO.staff.staffId, DEMO.staff.name, DEMO.staff.password);
  }
  provisionDemoTokens(deps);
  // Plain "id / password" strings: the published demo credentials are meant to
  // be read here, and the logger's *.password redaction would hide them unevenly.
  const line = (u: { loginId?: string; staffId?: string; password: string }) => `${u.loginId ?? u.staffId} / ${u.password}`;
  deps.logger.warn(
    {
      customerSite: [DEMO.admin, ...DEMO.users].map(line),
      approvalPassword: `${DEMO.admin.loginId} / ${DEMO.admin.approvalPassword}`,
      branchConsole: line(DEMO.staff),
      softTokens: `${Object.values(DEMO.tokens).join(', ')}: codes and QR codes at /softtoken`,
    },
    'DEMO data loaded: these published demo credentials must never be used in production',
  );
  return true;
}

/** A token already in the register (an operator imported it) is kept as it is. */
function provisionDemoTokens(deps: Deps): void {
  deps.db.transaction(() => {
    for (const credentialId of Object.values(DEMO.tokens)) {
      if (deps.repos.tokens.find(credentialId)) continue;
      provisionToken(deps, platformOf(credentialId)!, { credentialId });
    }
  })();
}
