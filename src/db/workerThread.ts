import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const transpiled = new Map<string, string>();

/**
 * Starts one of the database's worker threads (checkpointWorker, walSyncWorker)
 * by its file name without extension. Compiled (dist/db/…), it is the .js file
 * beside this one: production needs nothing more. Run from source (jest via
 * ts-jest, where no .js exists), the .ts file is transpiled with TypeScript —
 * a devDependency, loaded only on this path — and run with `eval: true`; its
 * `require` resolves from its own directory. That is why a worker file may
 * import only types from its siblings.
 */
export function spawnDbWorker(name: 'checkpointWorker' | 'walSyncWorker', workerData: unknown): Worker {
  if (path.extname(__filename) !== '.ts') return new Worker(path.join(__dirname, `${name}.js`), { workerData });
  const entry = path.join(__dirname, `${name}.ts`);
  let source = transpiled.get(entry);
  if (source === undefined) {
    const ts = createRequire(__filename)('typescript') as typeof import('typescript');
    const { outputText } = ts.transpileModule(fs.readFileSync(entry, 'utf8'), {
      fileName: entry,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    // The CommonJS wrapper Node gives a file, with that file's path.
    source = [
      `const workerModule = { exports: {} };`,
      `(function (exports, require, module, __filename, __dirname) {`,
      outputText,
      `})(workerModule.exports, require('node:module').createRequire(${JSON.stringify(entry)}), workerModule,`,
      `  ${JSON.stringify(entry)}, ${JSON.stringify(__dirname)});`,
    ].join('\n');
    transpiled.set(entry, source);
  }
  return new Worker(source, { eval: true, workerData });
}
