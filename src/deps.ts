import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Db } from './db/connection';
import { AuditRepository } from './repositories/audit';
import { CompaniesRepository } from './repositories/companies';
import { CredentialLocksRepository } from './repositories/credentialLocks';
import { SessionsRepository } from './repositories/sessions';
import { StaffRepository } from './repositories/staff';
import { TransfersRepository } from './repositories/transfers';
import { UsersRepository } from './repositories/users';
import { AuditLog } from './services/auditLog';
import { PasswordHasher } from './services/passwords';

/** Everything a request handler or a CLI command may need, built once. */
export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  hasher: PasswordHasher;
  audit: AuditLog;
  repos: {
    companies: CompaniesRepository;
    users: UsersRepository;
    locks: CredentialLocksRepository;
    transfers: TransfersRepository;
    staff: StaffRepository;
    sessions: SessionsRepository;
    audit: AuditRepository;
  };
}

export function createDeps(config: Config, db: Db, clock: Clock, logger: Logger): Deps {
  const audit = new AuditRepository(db);
  return {
    config,
    db,
    clock,
    logger,
    hasher: new PasswordHasher(config.bcryptCost),
    audit: new AuditLog(audit, clock),
    repos: {
      companies: new CompaniesRepository(db),
      users: new UsersRepository(db),
      locks: new CredentialLocksRepository(db),
      transfers: new TransfersRepository(db),
      staff: new StaffRepository(db),
      sessions: new SessionsRepository(db),
      audit,
    },
  };
}
