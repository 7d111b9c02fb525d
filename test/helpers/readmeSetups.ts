import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startNode, stopChild, untilHealthy, type AppNode } from './nodes';

/**
 * The two ways the README starts the service, done as an operator does them
 * (issue 12, must-show): one SQLite node with the demo data ("Quick start"),
 * and two nodes on one PostgreSQL behind Debian's nginx ("Running on
 * PostgreSQL with several nodes"). Only the built service, its CLI and what
 * the README prints are used: the nginx server block is the README's own,
 * read from README.md, so the test fails when the README's example does.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** What `npm start` runs after its build, from package.json: node's flags before dist/server.js. */
function startFlags(): string[] {
  const start = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/server.js') throw new Error(`npm start is no longer "node … dist/server.js": ${start}`);
  return words.slice(1, -1);
}

/** One front the walk talks to, and everything behind it to stop. */
export interface Setup {
  base: string;
  /** The processes' output, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** Quick start: `npm start` on a fresh data directory, no settings (demo mode, the demo data loaded at start). */
export async function startSqliteDemo(): Promise<Setup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-sqlite-'));
  const node = await startNode({ DATABASE_FILE: path.join(dir, 'webfb.db') }, startFlags());
  return {
    base: node.base,
    output: () => node.output(),
    stop: async () => {
      await node.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's nginx binary, or undefined when it is not installed. */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((d) => path.join(d, 'nginx')).find((p) => fs.existsSync(p));
}

/**
 * The README's "Step by step" on the test cluster (scripts/with-postgres.sh):
 * a role and a database it owns, SECRET_KEY and SESSION_SECRET generated once
 * (as `openssl rand -base64 32` makes them), `migrate` with the built CLI, two
 * nodes on one machine (a PORT and a STAFF_PORT each, TRUST_PROXY=127.0.0.1,
 * no NODE_ENV: the demo) — the first loads the demo data, the second finds it
 * — then nginx with the README's block.
 */
export async function startPostgresBehindNginx(nginx: string): Promise<Setup> {
  const databaseUrl = await createDatabase();
  const shared = {
    DATABASE_URL: databaseUrl,
    SECRET_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64'),
    TRUST_PROXY: '127.0.0.1',
  };
  await run(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'migrate'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...shared } });
  const nodes: AppNode[] = [];
  let proxy: { base: string; stop(): Promise<void> } | undefined;
  const stop = async (): Promise<void> => {
    await proxy?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    nodes.push(await startNode(shared, startFlags()));
    nodes.push(await startNode(shared, startFlags()));
    proxy = await startNginx(nginx, nodes.map((n) => new URL(n.base).host));
  } catch (error) {
    await stop();
    throw error;
  }
  return { base: proxy.base, output: () => nodes.map((n, i) => `--- node ${i + 1}\n${n.output()}`).join('\n'), stop };
}

/**
 * The README's step 1 on the test cluster: `createuser` and `createdb -O`, a
 * role that is no superuser and a database it owns (no other test uses
 * either), and its DATABASE_URL — the cluster's socket, where it trusts local
 * connections, instead of a password.
 */
async function createDatabase(): Promise<string> {
  const { adminQuery, databaseUrl } = await import('./pgCluster');
  const name = `readme_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(databaseUrl(), `CREATE ROLE ${name} LOGIN`);
  await adminQuery(databaseUrl(), `CREATE DATABASE ${name} OWNER ${name}`);
  return databaseUrl().replace(/^(postgres(?:ql)?:\/\/)[^@/]*@[^/]*\/[^?]*/, `$1${name}@/${name}`);
}

/**
 * The README's ```nginx block with the upstream's servers replaced by the
 * nodes, and changed as the README says for a trial without a certificate:
 * plain HTTP (on a free loopback port) and `X-Forwarded-Proto $scheme`. One
 * line is added for the test: which node answered (X-Upstream), so the walk
 * can show that its requests alternate.
 */
export function nginxServerBlock(upstreams: string[], port: number): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```nginx block');
  const servers = upstreams.map((u) => `server ${u};`).join(' ');
  const replaced = block
    .replace(/^(upstream \w+ \{)[^}]*\}/m, `$1 ${servers} }`)
    .replace(/^(\s*)listen [^;]*;/m, `$1listen 127.0.0.1:${port};`)
    .replace('X-Forwarded-Proto https;', 'X-Forwarded-Proto $scheme;')
    .replace(/^(\s*)location \/ \{/m, '$1location / {\n$1  add_header X-Upstream $upstream_addr always;');
  if (!replaced.includes(servers) || !replaced.includes(`listen 127.0.0.1:${port};`) || !replaced.includes('$scheme;')) throw new Error(`README's nginx block no longer has an upstream, a listen line and X-Forwarded-Proto https:\n${block}`);
  return replaced;
}

async function startNginx(nginx: string, upstreams: string[]): Promise<{ base: string; stop(): Promise<void> }> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-nginx-'));
  fs.chmodSync(prefix, 0o755); // as root, the workers run as nobody and buffer large answers here
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${prefix}/${t};`).join('\n  ');
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, `daemon off;\nworker_processes 1;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log;\n` +
    `events { worker_connections 128; }\nhttp {\n  access_log off;\n  ${temp}\n${nginxServerBlock(upstreams, port)}}\n`);
  let output = '';
  // -e: the error log before the configuration is read (Debian's default, /var/log/nginx, needs root).
  const child: ChildProcess = spawn(nginx, ['-e', path.join(prefix, 'error.log'), '-p', prefix, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  await untilHealthy(child, base, 10_000, 'nginx', () => `${output}\n${fs.readFileSync(path.join(prefix, 'error.log'), 'utf8')}`);
  return {
    base,
    stop: async () => {
      await stopChild(child, 5_000);
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}
