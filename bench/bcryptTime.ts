import bcrypt from 'bcrypt';

/**
 * Prints the median time of one bcrypt compare at the given cost, in ms —
 * run pinned to the server's cores, it gives the login bound (cores ÷ this).
 */
const cost = Number(process.argv[2] ?? 12);
const rounds = Number(process.argv[3] ?? 5);
const hash = bcrypt.hashSync('Bench-Pass-1', cost);
const times: number[] = [];
for (let i = 0; i < rounds; i += 1) {
  const t0 = process.hrtime.bigint();
  if (!bcrypt.compareSync('Bench-Pass-1', hash)) throw new Error('bcrypt compare failed');
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ cost, medianMs: times[Math.floor(times.length / 2)] })}\n`);
