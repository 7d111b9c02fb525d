import { backupCommand, repackCommand } from './backup';
import type { Command } from './command';
import { migrateCommand, seedDemoCommand } from './database';
import { staffAddCommand, staffUnlockCommand } from './staff';
import { keyRotateCommand, tokenImportCommand, tokenListCommand, tokenProvisionCommand } from './tokens';

const helpCommand: Command = {
  name: 'help',
  usage: 'help',
  summary: 'show this list',
  args: 0,
  run(ctx) {
    ctx.print(usageText());
  },
};

/** The command table (DESIGN §7): a new command is one more entry here. */
export const commands: readonly Command[] = [
  migrateCommand,
  seedDemoCommand,
  backupCommand,
  repackCommand,
  staffAddCommand,
  staffUnlockCommand,
  tokenProvisionCommand,
  tokenImportCommand,
  tokenListCommand,
  keyRotateCommand,
  helpCommand,
];

export function usageText(): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    'Usage: webfb <command>   (in a checkout: npm run cli -- <command>)',
    '',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from the environment (DATABASE_FILE, BCRYPT_COST, LOG_LEVEL …; see the README).',
  ].join('\n');
}

/** The command named by the first one or two words of argv, and the words after it. */
export function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = argv.length >= words ? commands.find((c) => c.name === name) : undefined;
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}
