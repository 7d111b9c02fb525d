import type { Deps } from '../deps';
import { platformOf } from '../domain/token';
import { hashContractAdmin, insertContract, type ContractInput } from '../services/contracts';
import { hashNewUser, insertUser } from '../services/users';
import { insertStaff } from '../services/staffAccounts';
import { provisionToken } from '../services/tokenRegister';
import { DEMO } from './data';

export { DEMO } from './data';

const system = { type: 'system' as const, id: 'seed-demo', companyId: null, clientIp: null };

const contract: ContractInput = {
  companyName: DEMO.companyName,
  accountBalance: DEMO.balance,
  adminLoginId: DEMO.admin.loginId,
  adminName: DEMO.admin.name,
  adminPassword: DEMO.admin.password,
  adminApprovalPassword: DEMO.admin.approvalPassword,
  adminTransferPassword: DEMO.admin.transferPassword,
  adminEmail: DEMO.admin.email,
};

/**
 * Loads the demo data unless any contract exists; returns whether it did.
 * Nodes may start together on one PostgreSQL (issue 12), so the check and
 * every row are one transaction: at SERIALIZABLE two seeds that both saw no
 * contract cannot both commit. The loser is either run again by the storage
 * (a serialization failure: it then sees the contract) or stopped by a unique
 * key (the demo login ID); either way it wrote nothing, and finding a
 * contract afterwards means another node loaded the demo.
 */
export async function seedDemoIfEmpty(deps: Deps): Promise<boolean> {
  if (!await deps.repos.companies.isEmpty()) return false;
  // bcrypt first, outside the transaction (a transaction awaits nothing but the storage).
  const [admin, users, staffHash] = await Promise.all([
    hashContractAdmin(deps, contract),
    Promise.all(DEMO.users.map((u) => hashNewUser(deps, { ...u, companyId: 0, role: 'user', approvalPassword: null }))),
    deps.hasher.hash(DEMO.staff.password),
  ]);
  let loaded: boolean;
  try {
    loaded = await deps.storage.transaction(async () => {
      if (!await deps.repos.companies.isEmpty()) return false;
      const company = await insertContract(deps, contract, admin, system);
      // Every demo user has an address, so each step of the walk leaves its notice in the demo mailbox (/staff/mail).
      for (const [i, u] of users.entries()) {
        await deps.repos.emails.setEmail((await insertUser(deps, { ...u, companyId: company.id })).id, DEMO.users[i]!.email);
      }
      if (!await deps.repos.staff.findByStaffId(DEMO.staff.staffId)) await insertStaff(deps, DEMO.staff.staffId, DEMO.staff.name, staffHash);
      // A token already in the register (an operator imported it) is kept as it is.
      for (const { credentialId } of Object.values(DEMO.tokens)) {
        if (!await deps.repos.tokens.find(credentialId)) await provisionToken(deps, platformOf(credentialId)!, { credentialId });
      }
      return true;
    });
  } catch (err) {
    if (!await deps.repos.companies.isEmpty()) return false;
    throw err;
  }
  if (!loaded) return false;
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
