import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config';
import { systemClock } from './clock';
import { openDatabase } from './db/connection';
import { migrate } from './db/migrate';
import { Checkpointer } from './db/checkpointer';
import { createDeps } from './deps';
import { createCustomerApp, createStaffApp } from './app';
import { seedDemoIfEmpty } from './demo/seed';
import { startupLines } from './listenUrls';

export interface RunningService {
  customer: AddressInfo;
  staff: AddressInfo;
  /** Stops accepting, lets requests in flight finish, then closes the database. */
  stop(): Promise<void>;
}

/**
 * Opens the database, migrates, loads the demo data when asked, and starts
 * both listeners; the process (signals, exit) is src/server.ts's business.
 */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const db = openDatabase(config.databaseFile);
  const applied = migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const deps = createDeps(config, db, systemClock, logger);
  if (config.demo) await seedDemoIfEmpty(deps);
  const checkpointer = await Checkpointer.start(db, config.databaseFile, logger);

  const listen = (app: ReturnType<typeof createCustomerApp>, port: number, host: string): Promise<Server> =>
    new Promise((resolve, reject) => {
      // Express 5 hands a listen error (EADDRINUSE…) to this callback: fail the
      // start instead of running with one listener dead.
      const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    });
  const servers = await Promise.all([
    listen(createCustomerApp(deps), config.port, config.host),
    listen(createStaffApp(deps), config.staffPort, config.staffHost),
  ]);
  const [customer, staff] = servers.map((s) => s.address() as AddressInfo) as [AddressInfo, AddressInfo];
  for (const { msg, url } of startupLines(customer, staff, config.demo)) logger.info({ url }, msg);

  const pruneTimer = setInterval(() => deps.repos.sessions.prune(systemClock.now()), 10 * 60_000);
  pruneTimer.unref();

  const stop = async (): Promise<void> => {
    clearInterval(pruneTimer);
    const closed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const s of servers) s.closeIdleConnections();
    await closed;
    await checkpointer.stop();
    // Closing the database checkpoints the WAL cleanly.
    db.close();
  };
  return { customer, staff, stop };
}
