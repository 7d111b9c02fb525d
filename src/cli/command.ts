import type { Config } from '../config';
import type { Deps } from '../deps';

/** A failure the operator can fix: its message is printed and the exit code is 1. */
export class CliError extends Error {}

export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  options: Record<string, string | boolean | undefined>;
  print(line: string): void;
  /**
   * The environment the tool was started with, for one-off operator input that
   * is not service configuration (NEW_SECRET_KEY of `key rotate`, kept out of
   * the shell history and the process list).
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Configuration from the environment (src/config.ts), read on first use. */
  config(): Config;
  /** Opens the database (DATABASE_URL, else DATABASE_FILE) with pending migrations applied; the runner closes it. */
  open(): Promise<{ deps: Deps; applied: string[] }>;
}

/**
 * One entry of the command table. A name is one word (`migrate`) or a group
 * and a verb (`staff add`); a new command is one more entry in commands.ts.
 */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  /** How many positional arguments the command takes. */
  args: number;
  /** Options for node:util parseArgs; unknown options are refused. */
  options?: Record<string, { type: 'string' | 'boolean' }>;
  run(ctx: CommandContext): Promise<void> | void;
}
