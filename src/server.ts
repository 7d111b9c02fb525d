import type { Server } from 'node:http';
import { loadConfig, ConfigError } from './config';
import { systemClock } from './clock';
import { openDatabase } from './db/connection';
import { migrate } from './db/migrate';
import { Checkpointer } from './db/checkpointer';
import { createLogger } from './logger';
import { createDeps } from './deps';
import { createCustomerApp, createStaffApp } from './app';
import { seedDemoIfEmpty } from './demo/seed';

/** The entry point: the only file that listens (STYLE habit 1). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, { buffered: true });
  // Buffered lines reach the log within a second even when traffic is low.
  setInterval(() => logger.flush(), 1000).unref();
  const db = openDatabase(config.databaseFile);
  const applied = migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const deps = createDeps(config, db, systemClock, logger);
  if (config.demo) await seedDemoIfEmpty(deps);
  const checkpointer = await Checkpointer.start(db, config.databaseFile, logger);

  const listen = (app: ReturnType<typeof createCustomerApp>, port: number, host: string, name: string): Promise<Server> =>
    new Promise((resolve, reject) => {
      // Express 5 hands a listen error (EADDRINUSE…) to this callback: fail the
      // start instead of running with one listener dead.
      const server = app.listen(port, host, (err?: Error) => {
        if (err) return reject(err);
        logger.info({ port, host }, `${name} listening`);
        resolve(server);
      });
    });
  const servers = await Promise.all([
    listen(createCustomerApp(deps), config.port, config.host, 'customer site'),
    listen(createStaffApp(deps), config.staffPort, config.staffHost, 'branch console'),
  ]);

  const pruneTimer = setInterval(() => deps.repos.sessions.prune(systemClock.now()), 10 * 60_000);
  pruneTimer.unref();

  // Graceful shutdown: stop accepting, let requests in flight finish, then close
  // the database so the WAL is checkpointed cleanly.
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
      .then(() => checkpointer.stop())
      .then(() => {
        db.close();
        logger.info('stopped');
        process.exit(0);
      })
      .catch(() => process.exit(1));
    for (const s of servers) s.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`fatal: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
