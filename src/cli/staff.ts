import { z } from 'zod';
import { loginIdSchema, newPasswordSchema, personNameSchema } from '../domain/credentials';
import { addStaff, StaffIdTakenError } from '../services/staffAccounts';
import { unlockStaff } from '../services/staffAuth';
import type { Actor } from '../services/auditLog';
import { CliError, type Command } from './command';

const cliActor: Actor = { type: 'system', id: 'cli', companyId: null, clientIp: null };

// The same rules as customer IDs and passwords (src/domain/credentials.ts).
const newStaff = z.object({
  staffId: loginIdSchema('行員ID'),
  password: newPasswordSchema('パスワード'),
  name: personNameSchema('氏名'),
});

export const staffAddCommand: Command = {
  name: 'staff add',
  usage: 'staff add <staffId> --password P [--name N]',
  summary: 'create a branch staff account (the password is never printed)',
  args: 1,
  options: { password: { type: 'string' }, name: { type: 'string' } },
  async run(ctx) {
    const parsed = newStaff.safeParse({
      staffId: ctx.args[0],
      password: ctx.options.password,
      name: ctx.options.name ?? ctx.args[0],
    });
    if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => i.message).join('\n'));
    const { staffId, name, password } = parsed.data;
    const { deps } = await ctx.open();
    try {
      await addStaff(deps, staffId, name, password);
    } catch (err) {
      if (err instanceof StaffIdTakenError) throw new CliError(`Staff ID "${staffId}" already exists; choose another ID.`);
      throw err;
    }
    ctx.print(`Staff account "${staffId}" (${name}) created.`);
  },
};

export const staffUnlockCommand: Command = {
  name: 'staff unlock',
  usage: 'staff unlock <staffId>',
  summary: 'lift the lock of a staff account locked by wrong passwords',
  args: 1,
  async run(ctx) {
    const staffId = ctx.args[0]!.normalize('NFKC').trim();
    const result = await unlockStaff((await ctx.open()).deps, staffId, cliActor);
    if (!result) throw new CliError(`No staff account "${staffId}".`);
    ctx.print(result.wasLocked ? `Staff account "${staffId}" unlocked.` : `Staff account "${staffId}" was not locked; its failure count is cleared.`);
  },
};
