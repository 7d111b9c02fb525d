import type { Config } from '../config';
import type { Uses } from '../deps';
import type { Limits } from '../domain/limits';
import type { CompaniesRepository, Company } from '../repositories/companies';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { hashNewUser, insertUser } from './users';

export interface ContractInput {
  companyName: string;
  accountBalance: number;
  adminLoginId: string;
  adminName: string;
  adminPassword: string;
  adminApprovalPassword: string;
  adminTransferPassword: string;
  /** The administrator's notice address (issue 14), normalised; none when not given. */
  adminEmail?: string | null | undefined;
  /** 振込限度額 the bank sets (issue 13); the configured defaults when not given. */
  limits?: Limits | undefined;
}

type ContractDeps = Uses<'hasher' | 'clock' | 'storage' | 'audit', 'companies' | 'users' | 'limits' | 'emails'> & { config: Pick<Config, 'defaultLimits'> };

/**
 * 契約登録: the company, its representative account with the opening balance
 * and its administrator, written in one transaction so that a failure leaves
 * no contract without an administrator. Throws LoginIdTakenError.
 */
export async function openContract(deps: ContractDeps, input: ContractInput, actor: Actor): Promise<Company> {
  // bcrypt runs first, outside the transaction: a transaction must not span an await.
  const admin = await hashContractAdmin(deps, input);
  return await deps.storage.transaction(() => insertContract(deps, input, admin, actor));
}

/** The administrator's passwords hashed, for insertContract (bcrypt: outside any transaction). */
export function hashContractAdmin(deps: Uses<'hasher' | 'clock'>, input: ContractInput): ReturnType<typeof hashNewUser> {
  return hashNewUser(deps, {
    companyId: 0,
    loginId: input.adminLoginId,
    name: input.adminName,
    role: 'admin',
    password: input.adminPassword,
    transferPassword: input.adminTransferPassword,
    approvalPassword: input.adminApprovalPassword,
    canTransfer: true,
  });
}

/** The rows of openContract; run it inside the caller's transaction (the demo seed writes more rows in the same one). */
export async function insertContract(
  deps: ContractDeps,
  input: ContractInput,
  admin: Awaited<ReturnType<typeof hashNewUser>>,
  actor: Actor,
): Promise<Company> {
  const company = await deps.repos.companies.insert({
    name: input.companyName,
    balance: input.accountBalance,
    createdAt: deps.clock.now(),
  });
  const adminUser = await insertUser(deps, { ...admin, companyId: company.id });
  if (input.adminEmail) await deps.repos.emails.setEmail(adminUser.id, input.adminEmail);
  await deps.audit.record(actor, {
    event: 'contract.open',
    outcome: 'success',
    companyId: company.id,
    subject: input.adminLoginId,
    detail: `口座 ${company.accountNumber} 開設残高 ${input.accountBalance}`,
  });
  const limits = input.limits ?? deps.config.defaultLimits;
  await deps.repos.limits.setBank(company.id, limits);
  await deps.audit.record(actor, { event: 'limits.bank', outcome: 'success', companyId: company.id, detail: `perTransfer=${limits.perTransfer} daily=${limits.daily}` });
  return company;
}

/** メニュー: the signed-in user's company with its 代表口座 and 残高. */
export async function companyOf(companies: CompaniesRepository, user: User): Promise<Company> {
  return (await companies.find(user.companyId))!;
}
