import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Storage } from './storage/port';
import type { SqliteStorage } from './storage/sqlite';
import { AuditRepository } from './repositories/audit';
import { CompaniesRepository } from './repositories/companies';
import { EmailsRepository } from './repositories/emails';
import { MailboxRepository } from './repositories/mailbox';
import { OutboxRepository } from './repositories/outbox';
import { CredentialLocksRepository, StaffLocksRepository } from './repositories/credentialLocks';
import { LimitsRepository } from './repositories/limits';
import { LoginHistoryRepository } from './repositories/loginHistory';
import { RateLimitsRepository } from './repositories/rateLimits';
import { RegistrationsRepository } from './repositories/registrations';
import { SessionsRepository } from './repositories/sessions';
import { StaffRepository } from './repositories/staff';
import { TokensRepository } from './repositories/tokens';
import { TransfersRepository } from './repositories/transfers';
import { UsersRepository } from './repositories/users';
import { AuditLog } from './services/auditLog';
import { Notices } from './services/notices';
import { SecretBox } from './services/encryption';
import { PasswordHasher } from './services/passwords';
import { resolveSecretKey } from './services/secretKey';
import { EmbeddedTokenAuthority, type TokenAuthority } from './services/tokenAuthority';

/** Everything a request handler or a CLI command may need, built once. */
export interface Deps {
  config: Config;
  /** Every repository's queries and every transaction (src/storage/port.ts). */
  storage: Storage;
  /**
   * The embedded engine's own parts, for what is SQLite's alone: the WAL sync
   * that responses wait for (src/web/durableResponses.ts) and the online
   * backup. Absent on another engine.
   */
  sqlite: SqliteStorage | undefined;
  clock: Clock;
  logger: Logger;
  hasher: PasswordHasher;
  audit: AuditLog;
  /** E-mail notices, written to the outbox inside the event's transaction (R16, issue 14). */
  notices: Notices;
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
    emails: EmailsRepository;
    outbox: OutboxRepository;
    mailbox: MailboxRepository;
    limits: LimitsRepository;
    loginHistory: LoginHistoryRepository;
    rateLimits: RateLimitsRepository;
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

/**
 * The composition root. `storage` is the engine the service runs on; the
 * SQLite adapter is also handed over as itself (`sqlite`) so that its
 * engine-specific parts stay reachable where they are needed.
 */
export function createDeps(config: Config, storage: Storage, clock: Clock, logger: Logger): Deps {
  const db = storage;
  const audit = new AuditRepository(db);
  const tokens = new TokensRepository(db);
  const emails = new EmailsRepository(db);
  const outbox = new OutboxRepository(db);
  const secretBox = new SecretBox(resolveSecretKey(config, logger));
  return {
    config,
    storage,
    sqlite: storage.dialect.engine === 'sqlite' ? (storage as SqliteStorage) : undefined,
    clock,
    logger,
    hasher: new PasswordHasher(config.bcryptCost),
    audit: new AuditLog(audit, clock),
    notices: new Notices(config.mail, clock, emails, outbox),
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
      emails,
      outbox,
      mailbox: new MailboxRepository(db),
      limits: new LimitsRepository(db),
      loginHistory: new LoginHistoryRepository(db),
      rateLimits: new RateLimitsRepository(db),
    },
  };
}
