import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import type { FeeTable } from './domain/fees';
import { isEmail } from './domain/email';

// The one place that reads process.env (DESIGN §7). Every setting is parsed and
// checked here at start-up so that a misconfiguration fails fast with a message.
const bool = z
  .enum(['0', '1', 'true', 'false'])
  .transform((v) => v === '1' || v === 'true');

// An empty variable is a mistake, not "use 0": PORT='' would otherwise mean a random port.
const port = (fallback: number) =>
  z.string().regex(/^\d+$/, 'must be a port number').default(String(fallback)).transform(Number)
    .pipe(z.number().int().min(0).max(65535));

/**
 * Which proxies may vouch for a client's address (X-Forwarded-For) and scheme:
 * none, a hop count, or the proxies' addresses and subnets — exactly what
 * Express understands, never "any address". Trusting every hop lets each
 * client choose the address that the login rate limit and the audit log see
 * (issue 10), so `true` and catch-all subnets are refused at start.
 */
export type TrustProxy = false | number | string[];

/** Words and subnets that mean every address: any prefix length 0, and IPv4 as a whole mapped into IPv6. */
const CATCH_ALL = /^(true|all|\*|.*\/0|::ffff:0\.0\.0\.0\/96)$/i;

const trustProxy = z
  .string()
  .default('0')
  .transform((raw, ctx): TrustProxy => {
    const value = raw.trim();
    if (value === '' || value === '0' || value.toLowerCase() === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const list = value.split(',').map((v) => v.trim()).filter(Boolean);
    const catchAll = list.find((v) => CATCH_ALL.test(v));
    if (catchAll) {
      ctx.addIssue({
        code: 'custom',
        message: `"${catchAll}" would trust any client's X-Forwarded-For; give the number of proxies in front (e.g. 1) or their addresses/subnets (e.g. 10.0.0.5 or loopback)`,
      });
      return z.NEVER;
    }
    try {
      proxyAddr.compile(list);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${(error as Error).message}; expected a hop count, IP addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal` });
      return z.NEVER;
    }
    return list;
  });

/** A fixed-width zengin code (this bank's 金融機関コード, its 支店コード). */
const code = (label: string, length: number) =>
  z.string().regex(new RegExp(`^[0-9]{${length}}$`), `must be the ${length}-digit ${label}`);

/** A fee tier as `below,from`: the fee in yen below FEE_TIER_YEN and from it on (e.g. 440,660). */
const feeTier = z
  .string()
  .regex(/^\s*\d+\s*,\s*\d+\s*$/, 'must be two fees in yen, below and from the tier, e.g. 440,660')
  .transform((v) => {
    const [below, from] = v.split(',').map((n) => Number(n.trim()));
    return { below: below!, from: from! };
  });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port(3000),
  // No default here: it depends on demo mode (see loadConfig).
  HOST: z.string().min(1).optional(),
  STAFF_PORT: port(3001),
  STAFF_HOST: z.string().default('127.0.0.1'),
  DATABASE_FILE: z.string().min(1).default('data/webfb.db'),
  // PostgreSQL instead of the embedded file when set (issue 12): several nodes on one database.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be postgres://user:password@host:port/database')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  DEMO: bool.optional(),
  SECRET_KEY: z.string().min(16, 'must be at least 16 characters (e.g. `openssl rand -base64 32`)').optional(),
  SESSION_SECRET: z.string().optional(),
  TRUST_PROXY: trustProxy,
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(15),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().default(12),
  LOCKOUT_THRESHOLD: z.coerce.number().int().positive().default(6),
  DRAFT_TTL_MINUTES: z.coerce.number().int().positive().default(10),
  TRANSFER_LIMIT_YEN: z.coerce.number().int().positive().default(10_000_000),
  DEFAULT_PER_TRANSFER_LIMIT: z.coerce.number().int().positive().default(5_000_000),
  DEFAULT_DAILY_LIMIT: z.coerce.number().int().positive().default(10_000_000),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(30),
  OTP_WINDOW: z.coerce.number().int().min(0).max(10).default(1),
  OTP_RESYNC_WINDOW: z.coerce.number().int().min(1).max(60).default(10),
  OTP_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  APPROVAL_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  BANK_CODE: code('金融機関コード', 4).default('0001'),
  BRANCH_CODE: code('支店コード', 3).default('123'),
  FEE_TIER_YEN: z.coerce.number().int().positive().default(30_000),
  FEE_SAME_BRANCH: feeTier.default({ below: 0, from: 0 }),
  FEE_OTHER_BRANCH: feeTier.default({ below: 110, from: 330 }),
  FEE_OTHER_BANK: feeTier.default({ below: 440, from: 660 }),
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^/?#]+/i, 'must be smtp://[user:pass@]host[:port] or smtps://…').optional(),
  MAIL_FROM: z.string().default('WEB-FBサービス <noreply@webfb.example.jp>').transform((raw, ctx) => {
    const m = /^\s*(?:(.*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(raw);
    const address = (m?.[2] ?? m?.[3] ?? '').toLowerCase();
    if (!isEmail(address)) {
      ctx.addIssue({ code: 'custom', message: 'must be an address, optionally with a name: WEB-FB <noreply@bank.example.jp>' });
      return z.NEVER;
    }
    return { name: m?.[1]?.replace(/^"|"$/g, '') || undefined, address };
  }),
  MAIL_DISABLED: bool.default(false),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  MAIL_RETRY_SECONDS: z.coerce.number().positive().default(5),
  BANK_CONTACT: z.string().min(1).default('しんきん銀行 WEB-FBヘルプデスク 0120-000-000（平日 9:00〜17:00）またはお取引店'),
  EMAIL_CODE_TTL_MINUTES: z.coerce.number().int().positive().default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  staffPort: number;
  staffHost: string;
  databaseFile: string;
  /** PostgreSQL (DATABASE_URL) or, without it, the embedded SQLite file (DATABASE_FILE). */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  databaseStatementTimeoutMs: number;
  demo: boolean;
  secretKey: string | undefined;
  sessionSecret: string | undefined;
  /** Express's 'trust proxy': false, a hop count, or the proxies' addresses (never true). */
  trustProxy: TrustProxy;
  bcryptCost: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  lockoutThreshold: number;
  draftTtlMs: number;
  transferLimitYen: number;
  /** 振込限度額 (issue 13) a new contract gets from the bank unless the branch sets others: 1回あたり, 1日あたり. */
  defaultLimits: { perTransfer: number; daily: number };
  loginRateLimitPerMinute: number;
  /** Time steps accepted either side of the current one (R1). */
  otpWindow: number;
  /** 同期ズレ補正 (issue 13): steps either side searched for a drifted token's code, and the most drift recorded. */
  otpResyncWindow: number;
  /** One-time-password entries per user and minute, on top of the lockout (DESIGN §6). */
  otpRateLimitPerMinute: number;
  /** 承認用パスワード entries per administrator and minute, on top of the lockout (issue 10). */
  approvalRateLimitPerMinute: number;
  /** 振込手数料 (issue 15): this bank and branch, the tier and the fee of each destination. */
  transferFees: FeeTable;
  /** E-mail notices (issue 14). */
  mail: MailConfig;
  logLevel: string;
  /** LOG_PRETTY: human-readable logs; unset means "when stdout is a terminal". Development only (src/logger.ts). */
  logPretty: boolean | undefined;
}

/**
 * Where the outbox's mail goes: an SMTP server (SMTP_URL), the local mailbox
 * (no SMTP_URL outside production; shown on /staff/mail in demo mode), or
 * nowhere — notices switched off with MAIL_DISABLED, and then not written.
 */
export interface MailConfig {
  transport: 'smtp' | 'mailbox' | 'disabled';
  smtpUrl: string | undefined;
  from: { name: string | undefined; address: string };
  maxAttempts: number;
  /** The first retry's delay; each next one doubles it (capped, see src/mail/worker.ts). */
  retryBaseMs: number;
  /** How to reach the bank, at the end of every notice. */
  bankContact: string;
  /** How long the code sent to a new address confirms the change. */
  codeTtlMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const missing = (['SECRET_KEY', 'SESSION_SECRET'] as const).filter((k) => !e[k]);
  if (production && missing.length > 0) {
    // In production, secrets must come from the operator: a generated key would
    // make encrypted token secrets and sessions unreadable after a restart.
    throw new ConfigError(
      `Refusing to start in production without ${missing.join(' and ')}. ` +
        'Set them to long random values (e.g. `openssl rand -base64 32`).',
    );
  }
  if (e.DATABASE_URL && missing.length > 0) {
    // Several nodes share one PostgreSQL (issue 12): a demo key file or a
    // per-process session secret would be each node's own, so a token secret
    // sealed or a session signed on one node could not be read on another.
    throw new ConfigError(
      `Refusing to start on PostgreSQL (DATABASE_URL) without ${missing.join(' and ')}. ` +
        'Every node (and the command-line tool) must be given the same values: long random ones (e.g. `openssl rand -base64 32`).',
    );
  }
  // A bank limit above the largest amount the input accepts could never be used (issue 13).
  if (e.DEFAULT_PER_TRANSFER_LIMIT > e.TRANSFER_LIMIT_YEN || e.DEFAULT_PER_TRANSFER_LIMIT > e.DEFAULT_DAILY_LIMIT) {
    throw new ConfigError('Invalid configuration:\n  DEFAULT_PER_TRANSFER_LIMIT: must not exceed TRANSFER_LIMIT_YEN nor DEFAULT_DAILY_LIMIT');
  }
  const demo = e.DEMO ?? !production;
  if (e.OTP_RESYNC_WINDOW <= e.OTP_WINDOW) {
    throw new ConfigError(`Invalid configuration:\n  OTP_RESYNC_WINDOW: must be wider than OTP_WINDOW (${e.OTP_WINDOW})`);
  }
  // Security notices are part of the service: production sends them over SMTP or is told, at start, to say it will not.
  if (production && !e.SMTP_URL && !e.MAIL_DISABLED) {
    throw new ConfigError(
      'Refusing to start in production without SMTP_URL: e-mail notices (振込受付のお知らせ, lockouts, …) need an SMTP server ' +
        '(smtp://user:pass@host:587 or smtps://…). Set MAIL_DISABLED=true to run without notices.',
    );
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    // The demo's credentials are published in the README, so a demo listens on
    // loopback unless HOST says otherwise (issue 15); a real installation, on
    // every interface, as a server behind its proxy does.
    host: e.HOST ?? (demo ? '127.0.0.1' : '0.0.0.0'),
    staffPort: e.STAFF_PORT,
    staffHost: e.STAFF_HOST,
    databaseFile: e.DATABASE_FILE,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    demo,
    secretKey: e.SECRET_KEY,
    sessionSecret: e.SESSION_SECRET,
    trustProxy: e.TRUST_PROXY,
    bcryptCost: e.BCRYPT_COST,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    lockoutThreshold: e.LOCKOUT_THRESHOLD,
    draftTtlMs: e.DRAFT_TTL_MINUTES * 60_000,
    transferLimitYen: e.TRANSFER_LIMIT_YEN,
    defaultLimits: { perTransfer: e.DEFAULT_PER_TRANSFER_LIMIT, daily: e.DEFAULT_DAILY_LIMIT },
    loginRateLimitPerMinute: e.LOGIN_RATE_LIMIT,
    otpWindow: e.OTP_WINDOW,
    otpResyncWindow: e.OTP_RESYNC_WINDOW,
    otpRateLimitPerMinute: e.OTP_RATE_LIMIT,
    approvalRateLimitPerMinute: e.APPROVAL_RATE_LIMIT,
    transferFees: {
      bankCode: e.BANK_CODE,
      branchCode: e.BRANCH_CODE,
      tierYen: e.FEE_TIER_YEN,
      sameBranch: e.FEE_SAME_BRANCH,
      otherBranch: e.FEE_OTHER_BRANCH,
      otherBank: e.FEE_OTHER_BANK,
    },
    mail: {
      transport: e.MAIL_DISABLED ? 'disabled' : e.SMTP_URL ? 'smtp' : 'mailbox',
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseMs: e.MAIL_RETRY_SECONDS * 1000,
      bankContact: e.BANK_CONTACT,
      codeTtlMs: e.EMAIL_CODE_TTL_MINUTES * 60_000,
    },
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY,
  };
}
