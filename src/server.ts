import { loadConfig, ConfigError } from './config';
import { createLogger, prettyLogs } from './logger';
import { startService } from './service';

/** The entry point: the only file that listens (STYLE habit 1), through startService. */
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
  const logger = createLogger(config.logLevel, { buffered: true, pretty: prettyLogs(config, process.stdout.isTTY === true) });
  // Buffered lines reach the log within a second even when traffic is low.
  setInterval(() => logger.flush(), 1000).unref();
  const service = await startService(config, logger);

  // Graceful shutdown: stop accepting, let requests in flight finish, then close
  // the database so the WAL is checkpointed cleanly.
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    service.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`fatal: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
