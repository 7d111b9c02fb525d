import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Db } from './db/connection';
import { GroupCommit } from './db/groupCommit';
import { AuditRepository } from './repositories/audit';
import { CompaniesRepository } from './repositories/companies';
import { CredentialLocksRepository, StaffLocksRepository } from './repositories/credentialLocks';
import { RegistrationsRepository } from './repositories/registrations';
import { SessionsRepository } from './repositories/sessions';
import { StaffRepository } from './repositories/staff';
import { TokensRepository } from './repositories/tokens';
import { TransfersRepository } from './repositories/transfers';
import { UsersRepository } from './repositories/users';
import { AuditLog } from './services/auditLog';
import { SecretBox } from './services/encryption';
import { PasswordHasher } from './services/passwords';
import { resolveSecretKey } from './services/secretKey';
import { EmbeddedTokenAuthority, type TokenAuthority } from './services/tokenAuthority';

/** Everything a request handler or a CLI command may need, built once. */
export interface Deps {
  config: Config;
  db: Db;
  /** Durable writes that arrive together share one fsync (src/db/groupCommit.ts). */
  commits: GroupCommit;
  clock: Clock;
  logger: Logger;
  hasher: PasswordHasher;
  audit: AuditLog;
  /** Seals token secrets at rest (AES-256-GCM). */
  secretBox: SecretBox;
  /** Answers whether a code belongs to a credential (DESIGN §5). */
  tokenAuthority: TokenAuthority;
  repos: {
    companies: CompaniesRepository;
    users: UsersRepository;
    locks: CredentialLocksRepository;
    transfers: TransfersRepository;
    staff: StaffRepository;
    staffLocks: StaffLocksRepository;
    sessions: SessionsRepository;
    audit: AuditRepository;
    tokens: TokensRepository;
    registrations: RegistrationsRepository;
  };
}

type Services = Omit<Deps, 'repos'>;

/**
 * The part of Deps a service function touches: the services it calls and the
 * repositories it reads or writes, so that its signature shows both. Deps is
 * the composition root; functions take `Uses<…>` and are handed `deps`.
 */
export type Uses<S extends keyof Services = never, R extends keyof Deps['repos'] = never> = Pick<Services, S> & {
  repos: Pick<Deps['repos'], R>;
};

export function createDeps(config: Config, db: Db, clock: Clock, logger: Logger): Deps {
  const audit = new AuditRepository(db);
  const tokens = new TokensRepository(db);
  const secretBox = new SecretBox(resolveSecretKey(config, logger));
  return {
    config,
    db,
    commits: new GroupCommit(db),
    clock,
    logger,
    hasher: new PasswordHasher(config.bcryptCost),
    audit: new AuditLog(audit, clock),
    secretBox,
    tokenAuthority: new EmbeddedTokenAuthority(tokens, secretBox, { otp: config.otpWindow, resync: config.otpResyncWindow }, logger),
    repos: {
      companies: new CompaniesRepository(db),
      users: new UsersRepository(db),
      locks: new CredentialLocksRepository(db),
      transfers: new TransfersRepository(db),
      staff: new StaffRepository(db),
      staffLocks: new StaffLocksRepository(db),
      sessions: new SessionsRepository(db),
      audit,
      tokens,
      registrations: new RegistrationsRepository(db),
    },
  };
}
