import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config';
import { systemClock } from './clock';
import { Checkpointer } from './db/checkpointer';
import { createDeps } from './deps';
import { openStorage } from './storage/open';
import type { SqliteStorage } from './storage/sqlite';
import { createCustomerApp, createStaffApp } from './app';
import { seedDemoIfEmpty } from './demo/seed';
import { startupLines } from './listenUrls';
import { createOutboxWorker } from './mail';
import { InFlightRequests } from './web/inFlight';

export interface RunningService {
  customer: AddressInfo;
  staff: AddressInfo;
  /** Stops accepting, lets requests in flight finish, then closes the storage. */
  stop(): Promise<void>;
}

/**
 * How long an idle keep-alive connection stays open. Node's 5 s is shorter
 * than what load balancers and HTTP clients keep their pooled connections for
 * (nginx's keepalive_timeout and most cloud balancers 60 s): one of them then
 * sends a request on a connection this server is closing at that moment, and
 * the request fails without an answer (a 502 at the balancer; in the
 * PostgreSQL restart test, an answer with no status at all, once in CI). Past
 * 60 s the server never closes first; the header timeout must exceed it.
 */
export const KEEP_ALIVE_MS = 65_000;

/**
 * Opens the storage (PostgreSQL when DATABASE_URL is set, else the SQLite
 * file) with its migrations applied, loads the demo data when asked, and
 * starts both listeners; the process (signals, exit) is src/server.ts's business.
 */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const { storage, applied } = await openStorage(config, logger);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const deps = createDeps(config, storage, systemClock, logger);
  if (config.demo) await seedDemoIfEmpty(deps);
  const stopSqliteUpkeep = deps.sqlite ? await startSqliteUpkeep(deps.sqlite, config.databaseFile, logger) : undefined;

  const listen = (app: ReturnType<typeof createCustomerApp>, port: number, host: string): Promise<Server> =>
    new Promise((resolve, reject) => {
      // Express 5 hands a listen error (EADDRINUSE…) to this callback: fail the
      // start instead of running with one listener dead.
      const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
      server.keepAliveTimeout = KEEP_ALIVE_MS;
      server.headersTimeout = KEEP_ALIVE_MS + 1_000;
    });
  const inFlight = new InFlightRequests();
  const servers = await Promise.all([
    listen(createCustomerApp(deps, inFlight), config.port, config.host),
    listen(createStaffApp(deps, inFlight), config.staffPort, config.staffHost),
  ]);
  const [customer, staff] = servers.map((s) => s.address() as AddressInfo) as [AddressInfo, AddressInfo];
  for (const { msg, url } of startupLines(customer, staff, config.demo)) logger.info({ url }, msg);

  // E-mail notices leave the outbox here, never inside a request (issue 14).
  const mailWorker = createOutboxWorker(deps);
  mailWorker?.start();
  logger.info({ transport: config.mail.transport }, mailStartLine(config.mail.transport, config.demo));

  const pruneTimer = setInterval(() => {
    deps.repos.sessions.prune(systemClock.now()).catch((err: unknown) => logger.warn({ err }, 'expired sessions could not be pruned'));
  }, 10 * 60_000);
  pruneTimer.unref();

  const stop = async (): Promise<void> => {
    clearInterval(pruneTimer);
    const closed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    // A connection still answering goes idle when its answer is out, and would
    // then be kept for the keep-alive timeout: it is closed as soon as it is idle.
    const closeIdle = (): void => servers.forEach((s) => s.closeIdleConnections());
    closeIdle();
    const sweep = setInterval(closeIdle, 50);
    await closed;
    clearInterval(sweep);
    // A handler whose client went away has no connection left to wait for: it finishes before the storage closes.
    await inFlight.settled(5_000);
    // After the listeners (nothing new is written) and before the database closes: the round in flight settles.
    await mailWorker?.stop();
    await stopSqliteUpkeep?.();
    // Closing SQLite checkpoints the WAL cleanly; closing PostgreSQL's pool ends its connections.
    await storage.close();
  };
  return { customer, staff, stop };
}

/**
 * What the embedded engine needs beside its queries: the checkpointer, and
 * commits synced off the event loop (a failed fdatasync ends the process, see
 * WalSync). PostgreSQL does both itself. Returns what stops them.
 */
async function startSqliteUpkeep(sqlite: SqliteStorage, file: string, logger: Logger): Promise<() => Promise<void>> {
  const checkpointer = await Checkpointer.start(sqlite.db, file, logger);
  await sqlite.walSync.start(file, { onFatal: () => setImmediate(() => process.exit(70)) });
  return async () => {
    await sqlite.walSync.stop();
    await checkpointer.stop();
  };
}

function mailStartLine(transport: Config['mail']['transport'], demo: boolean): string {
  if (transport === 'smtp') return 'E-mail notices: delivered over SMTP (SMTP_URL)';
  if (transport === 'disabled') return 'E-mail notices: switched off (MAIL_DISABLED); no notice is written or sent';
  return demo
    ? 'E-mail notices: no SMTP_URL, so they go to the demo mailbox on the branch console (/staff/mail)'
    : 'E-mail notices: no SMTP_URL, so they go to the local mailbox table only (set SMTP_URL to send them)';
}
