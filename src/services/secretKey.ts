import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { generateSecretKey } from './encryption';

/**
 * The key that seals token secrets (DESIGN §5). Production always brings its
 * own SECRET_KEY (config refuses to start without it). Elsewhere a demo key is
 * generated once and kept beside the database file, readable by its owner
 * only, and the log says so: keeping it there protects nothing if the disk is
 * stolen, which is fine for a demo and never for a bank.
 */
/** Where the demo key lives when SECRET_KEY is not set. */
export const demoKeyFile = (databaseFile: string): string => `${databaseFile}.key`;

export function resolveSecretKey(config: Config, logger: Logger): string {
  if (config.secretKey) return config.secretKey;
  if (config.databaseFile === ':memory:') return generateSecretKey();
  const keyFile = demoKeyFile(config.databaseFile);
  const key = generateSecretKey();
  try {
    fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Already there (an earlier start, or a process starting beside this one): use it.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(keyFile, 'utf8').trim();
    throw err;
  }
  logger.warn({ keyFile }, 'SECRET_KEY is not set: generated a demo key for token secrets; set SECRET_KEY in production');
  return key;
}
