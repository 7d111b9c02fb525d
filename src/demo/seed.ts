import type { Deps } from '../deps';
import { platformOf } from '../domain/token';
import { openContract } from '../services/contracts';
import { hashNewUser, insertUser } from '../services/users';
import { addStaff } from '../services/staffAccounts';
import { provisionToken } from '../services/tokenRegister';
import { DEMO } from './data';

export { DEMO } from './data';

const system = { type: 'system' as const, id: 'seed-demo', companyId: null, clientIp: null };

/** Loads the demo data unless any contract exists; returns whether it did. */
export async function seedDemoIfEmpty(deps: Deps): Promise<boolean> {
  if (!await deps.repos.companies.isEmpty()) return false;
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
      adminEmail: DEMO.admin.email,
    },
    system,
  );
  const users = await Promise.all(
    DEMO.users.map((u) =>
      hashNewUser(deps, { ...u, companyId: company.id, role: 'user', approvalPassword: null }),
    ),
  );
  // Every demo user has an address, so each step of the walk leaves its notice in the demo mailbox (/staff/mail).
  await deps.storage.transaction(async () => {
    for (const [i, u] of users.entries()) await deps.repos.emails.setEmail((await insertUser(deps, u)).id, DEMO.users[i]!.email);
  });
  if (!await deps.repos.staff.findByStaffId(DEMO.staff.staffId)) {
    await addStaff(deps, DEMO.staff.staffId, DEMO.staff.name, DEMO.staff.password);
  }
  await provisionDemoTokens(deps);
  // Plain "id / password" strings: the published demo credentials are meant to
  // be read here, and the logger's *.password redaction would hide them unevenly.
  const line = (u: { loginId?: string; staffId?: string; password: string }) => `${u.loginId ?? u.staffId} / ${u.password}`;
  deps.logger.warn(
    {
      customerSite: [DEMO.admin, ...DEMO.users].map(line),
      approvalPassword: `${DEMO.admin.loginId} / ${DEMO.admin.approvalPassword}`,
      branchConsole: line(DEMO.staff),
      softTokens: `${Object.values(DEMO.tokens).map((t) => t.credentialId).join(', ')}: codes and QR codes at /softtoken`,
    },
    'DEMO data loaded: these published demo credentials must never be used in production',
  );
  return true;
}

/** A token already in the register (an operator imported it) is kept as it is. */
async function provisionDemoTokens(deps: Deps): Promise<void> {
  await deps.storage.transaction(async () => {
    for (const { credentialId } of Object.values(DEMO.tokens)) {
      if (await deps.repos.tokens.find(credentialId)) continue;
      await provisionToken(deps, platformOf(credentialId)!, { credentialId });
    }
  });
}
