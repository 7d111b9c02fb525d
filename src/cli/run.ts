import { parseArgs } from 'node:util';
import { systemClock } from '../clock';
import { ConfigError, loadConfig, type Config } from '../config';
import { createDeps, type Deps } from '../deps';
import { createLogger } from '../logger';
import { openStorage } from '../storage/open';
import type { Storage } from '../storage/port';
import { CliError, type Command, type CommandContext } from './command';
import { findCommand, usageText } from './commands';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

function parseArguments(command: Command, rest: string[]): Pick<CommandContext, 'args' | 'options'> {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nUsage: ${command.usage}`);
  }
  if (parsed.positionals.length !== command.args) throw new CliError(`Usage: ${command.usage}`);
  return { args: parsed.positionals, options: parsed.values };
}

/** Config and database are opened lazily, so `help` works without either. */
class Resources {
  private config: Config | undefined;
  private storage: Storage | undefined;
  private opened: Promise<{ deps: Deps; applied: string[] }> | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv, private readonly print: (line: string) => void) {}

  getConfig(): Config {
    return (this.config ??= loadConfig(this.env));
  }

  open(): Promise<{ deps: Deps; applied: string[] }> {
    return (this.opened ??= this.openNow());
  }

  private async openNow(): Promise<{ deps: Deps; applied: string[] }> {
    const config = this.getConfig();
    const logger = createLogger(config.logLevel);
    // Every command that opens the database brings its schema up to date first
    // (on either engine, src/storage/open.ts), saying what it applied.
    const { storage, applied } = await openStorage(config, logger);
    this.storage = storage;
    for (const name of applied) this.print(`Applied migration ${name}`);
    return { deps: createDeps(config, storage, systemClock, logger), applied };
  }

  async close(): Promise<void> {
    await this.storage?.close();
  }
}

/**
 * Runs one command and returns the exit code: 0 on success, 1 on an error the
 * operator can fix (printed without a stack). The storage is always closed:
 * SQLite's WAL is checkpointed, PostgreSQL's connections end.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    (argv.length === 0 ? io.stderr : io.stdout).write(`${usageText()}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`Unknown command: ${argv.slice(0, 2).join(' ')}\n\n${usageText()}\n`);
    return 1;
  }
  const print = (line: string): void => void io.stdout.write(`${line}\n`);
  const resources = new Resources(io.env, print);
  try {
    await found.command.run({
      ...parseArguments(found.command, found.rest),
      print,
      env: io.env,
      config: () => resources.getConfig(),
      open: () => resources.open(),
    });
    return 0;
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError) io.stderr.write(`${err.message}\n`);
    else io.stderr.write(`Unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    await resources.close();
  }
}
