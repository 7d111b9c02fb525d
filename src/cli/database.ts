import { seedDemoIfEmpty } from '../demo/seed';
import { describeDatabase } from '../storage/open';
import { CliError, type Command } from './command';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'apply pending database migrations to DATABASE_URL (PostgreSQL) or DATABASE_FILE',
  args: 0,
  async run(ctx) {
    // The runner applies migrations on opening (migrations/ or migrations/postgres/) and prints each one it applied.
    const { applied } = await ctx.open();
    const target = describeDatabase(ctx.config());
    ctx.print(applied.length > 0 ? `${applied.length} migration(s) applied to ${target}.` : `${target} is up to date; no pending migrations.`);
  },
};

export const seedDemoCommand: Command = {
  name: 'seed-demo',
  usage: 'seed-demo',
  summary: 'migrate, then load the demo contract and staff account when the database has no contract',
  args: 0,
  async run(ctx) {
    // The demo credentials are published in the README, so this follows the
    // server's DEMO setting: off in production unless DEMO=1 is given.
    if (!ctx.config().demo) {
      throw new CliError('Demo mode is off (DEMO=0, or NODE_ENV=production without DEMO=1): the demo credentials are public.');
    }
    const { deps } = await ctx.open();
    const loaded = await seedDemoIfEmpty(deps);
    ctx.print(
      loaded
        ? 'Demo data loaded: one contract with its administrator and users, four demo soft tokens (see /softtoken) and a branch staff account (see the README).'
        : 'Demo data not loaded: the database already holds a contract.',
    );
  },
};
