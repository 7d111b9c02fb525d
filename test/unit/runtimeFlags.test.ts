import fs from 'node:fs';
import path from 'node:path';
import { NODE_FLAGS } from '../../bench/servers';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

describe('node runtime flags (issue 5: memory under load)', () => {
  test('when the service is started by npm start, the Dockerfile or the benchmark, then node gets the same flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toBe(`node ${NODE_FLAGS.join(' ')} dist/server.js`);
    const cmd = read('Dockerfile').split('\n').find((line) => line.startsWith('CMD '));
    expect(cmd).toBe(`CMD ${JSON.stringify(['node', ...NODE_FLAGS, 'dist/server.js']).replace(/,/g, ', ')}`);
  });
});
