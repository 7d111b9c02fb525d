import type { Deps } from '../../src/deps';
import { openContract } from '../../src/services/contracts';
import { hashNewUser, insertUser } from '../../src/services/users';
import { addStaff } from '../../src/services/staffAccounts';
import type { Company } from '../../src/repositories/companies';
import type { User } from '../../src/repositories/users';
import type { TestContext } from './app';
import { FormClient } from './client';

const system = { type: 'system' as const, id: 'test', companyId: null, clientIp: null };
let seq = 0;

export const ADMIN_PASSWORD = 'Admin-Pass-1';
export const APPROVAL_PASSWORD = 'Approve-Pass-1';
export const TRANSFER_PASSWORD = 'Send-Pass-1';
export const USER_PASSWORD = 'User-Pass-1';
export const STAFF_PASSWORD = 'Staff-Pass-1';

/** A 都度振込 入力 form that passes every rule (field names of DESIGN §4). */
export const VALID_TRANSFER_FORM = {
  bankCode: '0001',
  branchCode: '123',
  accountType: 'ordinary',
  accountNumber: '1234567',
  payeeName: 'ﾔﾏﾀﾞ ﾀﾛｳ',
  amount: '1000',
};

export interface ContractFixture {
  company: Company;
  admin: User;
}

/** A contract with its administrator; every test makes its own rows. */
export async function givenContract(deps: Deps, opts: { balance?: number; name?: string } = {}): Promise<ContractFixture> {
  seq += 1;
  const adminLoginId = `admin${seq}`;
  const company = await openContract(
    deps,
    {
      companyName: opts.name ?? `テスト商事${seq}`,
      accountBalance: opts.balance ?? 1_000_000,
      adminLoginId,
      adminName: `管理者${seq}`,
      adminPassword: ADMIN_PASSWORD,
      adminApprovalPassword: APPROVAL_PASSWORD,
      adminTransferPassword: TRANSFER_PASSWORD,
    },
    system,
  );
  return { company, admin: (await deps.repos.users.findByLoginId(adminLoginId))! };
}

export async function givenUser(deps: Deps, companyId: number, opts: { canTransfer?: boolean } = {}): Promise<User> {
  seq += 1;
  const row = await hashNewUser(deps, {
    companyId,
    loginId: `user${seq}`,
    name: `利用者${seq}`,
    role: 'user',
    password: USER_PASSWORD,
    transferPassword: TRANSFER_PASSWORD,
    approvalPassword: null,
    canTransfer: opts.canTransfer ?? true,
  });
  return await insertUser(deps, row);
}

export async function givenStaff(deps: Deps): Promise<string> {
  seq += 1;
  const staffId = `staff${seq}`;
  await addStaff(deps, staffId, `行員${seq}`, STAFF_PASSWORD);
  return staffId;
}

/** Audit rows of one event, newest first. */
export async function auditEvents(deps: Deps, event: string) {
  return (await deps.repos.audit.listAll(1000, 0)).rows.filter((r) => r.event === event);
}

/** A contract whose administrator is signed in on the customer site. */
export async function givenSignedInAdmin(ctx: TestContext, opts: { balance?: number } = {}) {
  const contract = await givenContract(ctx.deps, opts);
  const client = new FormClient(ctx.app);
  await client.login(contract.admin.loginId, ADMIN_PASSWORD);
  return { ...contract, client };
}

/** A branch staff account signed in on the console. */
export async function givenSignedInStaff(ctx: TestContext): Promise<{ staffId: string; staff: FormClient }> {
  const staffId = await givenStaff(ctx.deps);
  const staff = new FormClient(ctx.staffApp);
  await staff.staffLogin(staffId, STAFF_PASSWORD);
  return { staffId, staff };
}
