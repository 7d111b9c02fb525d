import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { load } from './load';
import { confirmShots, menuShots } from './scenarios';
import { makeSecrets, seedDatabase, type Fixture } from './seed';
import { appEnvFor, freePort, migrateApp, startServer, type ServerHandle } from './servers';
import { startSmtpSink } from './smtpSink';
import { planFrom } from './plan';

/**
 * npm run bench:ab -- <rootA> <rootB> [menu|confirm] [slices]: two builds of the
 * app (each a directory holding dist/, views/, migrations/, node_modules/ — a
 * copy of dist/ beside links to the rest will do) on two databases seeded alike
 * (same size, secrets and clock), pinned to the same core, driven in alternating 3-second slices
 * (ABBA). This machine's speed drifts by ±30% within a minute; alternating
 * slices puts the drift on both sides alike, so a change of a few percent
 * shows, which two separate runs cannot (issue 11). One root twice compares
 * settings instead: AB_ENV_A / AB_ENV_B ("K=V,K=V") and AB_FLAGS_A /
 * AB_FLAGS_B (node's flags, space-separated) go to that side only;
 * AB_PROFILE=<file> writes a CPU profile of A's second slice.
 */
async function main(): Promise<void> {
  const [rootA, rootB, flow = 'confirm', slicesArg = '10'] = process.argv.slice(2);
  if (!rootA || !rootB || (flow !== 'menu' && flow !== 'confirm')) throw new Error('usage: ab.js <rootA> <rootB> [menu|confirm] [slices]');
  const slices = Number(slicesArg);
  execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const plan = planFrom([]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-ab-'));
  const secrets = makeSecrets(12);
  const smtp = await startSmtpSink();
  const env = appEnvFor(secrets, smtp.url, '10');
  // Each side migrates and seeds its own database, so that what a build decides when it creates one (its
  // migrations, its page size) is its own; both get the same seed size, secrets and clock.
  const now = Date.now();
  const files = [path.join(work, 'a.db'), path.join(work, 'b.db')];
  const fixtures: Fixture[] = [rootA, rootB].map((root, i) => {
    migrateApp(root, files[i]!, env(files[i]!, 0, 0));
    return seedDatabase(files[i]!, plan.large, secrets, now);
  });
  const servers: ServerHandle[] = [];
  try {
    for (const [i, root] of [rootA, rootB].entries()) {
      const [port, staffPort] = [await freePort(), await freePort()];
      const side = i ? 'B' : 'A';
      const extra = Object.fromEntries((process.env[`AB_ENV_${side}`] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
      const flags = process.env[`AB_FLAGS_${side}`]?.split(' ');
      servers.push(await startServer({
        name: `ab${i}`, entry: path.join(root, 'dist', 'server.js'), env: { ...env(files[i]!, port, staffPort), ...extra },
        cpus: '0', logDir: work, ...(flags ? { flags } : {}),
      }));
    }
    const shots = fixtures.map((f) => (flow === 'menu' ? menuShots(f) : confirmShots(f)));
    // Warm-up: JIT, statements, templates.
    for (const [i, s] of servers.entries()) await load({ base: s.base, connections: 64, durationS: 4, next: shots[i]! });
    const rps: number[][] = [[], []];
    for (let slice = 0; slice < slices; slice += 1) {
      // ABBA order, so that neither side always runs first.
      const order = slice % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const profiled = process.env.AB_PROFILE && slice === 1 && i === 0;
        if (profiled) await servers[i]!.profileStart();
        const r = await load({ base: servers[i]!.base, connections: 64, durationS: 3, next: shots[i]! });
        if (profiled) await servers[i]!.profileStop(process.env.AB_PROFILE!);
        if (r.unexpected > 0) throw new Error(`unexpected answers from ${i ? 'B' : 'A'}: ${r.examples.join('; ')}`);
        rps[i]!.push(r.rps);
      }
      console.log(`slice ${slice + 1}: A ${rps[0]!.at(-1)!.toFixed(0)}  B ${rps[1]!.at(-1)!.toFixed(0)}  B/A ${(rps[1]!.at(-1)! / rps[0]!.at(-1)!).toFixed(3)}`);
    }
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    const ratios = rps[0]!.map((a, k) => rps[1]![k]! / a).sort((x, y) => x - y);
    console.log(`${flow}: A ${(sum(rps[0]!) / slices).toFixed(0)} rps, B ${(sum(rps[1]!) / slices).toFixed(0)} rps, ` +
      `B/A overall ${(sum(rps[1]!) / sum(rps[0]!)).toFixed(3)}, median slice ${((ratios[(slices - 1) >> 1]! + ratios[slices >> 1]!) / 2).toFixed(3)}`);
  } finally {
    for (const s of servers) await s.stop();
    await smtp.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
