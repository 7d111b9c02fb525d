import type { Uses } from '../deps';
import type { Role, User } from '../repositories/users';

export interface NewUserInput {
  companyId: number;
  loginId: string;
  name: string;
  role: Role;
  password: string;
  transferPassword: string;
  approvalPassword: string | null;
  canTransfer: boolean;
}

export class LoginIdTakenError extends Error {}

/** Hashes the passwords and inserts the user; call inside the caller's transaction when it writes more rows. */
export async function hashNewUser(deps: Uses<'hasher' | 'clock'>, u: NewUserInput) {
  const [passwordHash, transferPasswordHash, approvalPasswordHash] = await Promise.all([
    deps.hasher.hash(u.password),
    deps.hasher.hash(u.transferPassword),
    u.approvalPassword === null ? Promise.resolve(null) : deps.hasher.hash(u.approvalPassword),
  ]);
  return {
    companyId: u.companyId,
    loginId: u.loginId,
    name: u.name,
    role: u.role,
    passwordHash,
    transferPasswordHash,
    approvalPasswordHash,
    canTransfer: u.canTransfer,
    createdAt: deps.clock.now(),
  };
}

export async function insertUser(deps: Uses<never, 'users'>, row: Awaited<ReturnType<typeof hashNewUser>>): Promise<User> {
  if (await deps.repos.users.findByLoginId(row.loginId)) throw new LoginIdTakenError(row.loginId);
  return await deps.repos.users.insert(row);
}
