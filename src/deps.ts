import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Db } from './db/connection';
import { GroupCommit } from './db/groupCommit';
import { WalSync } from './db/walSync';
import { AuditRepository } from './repositories/audit';
import { CompaniesRepository } from './repositories/companies';
import { EmailsRepository } from './repositories/emails';
import { MailboxRepository } from './repositories/mailbox';
import { OutboxRepository } from './repositories/outbox';
import { CredentialLocksRepository, StaffLocksRepository } from './repositories/credentialLocks';
import { LimitsRepository } from './repositories/limits';
import { LoginHistoryRepository } from './repositories/loginHistory';
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
  db: Db;
  /** Durable writes that arrive together share one fsync (src/db/groupCommit.ts). */
  commits: GroupCommit;
  /** Makes commits durable off the event loop once started (src/db/walSync.ts); responses wait for it. */
  walSync: WalSync;
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
  const emails = new EmailsRepository(db);
  const outbox = new OutboxRepository(db);
  const secretBox = new SecretBox(resolveSecretKey(config, logger));
  const walSync = new WalSync(db, logger);
  return {
    config,
    db,
    commits: new GroupCommit(db, walSync),
    walSync,
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
    },
  };
}
