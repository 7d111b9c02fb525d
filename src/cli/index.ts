#!/usr/bin/env node
import { runCli } from './run';

// Entry of `npm run cli -- <command>` (DESIGN §7), and of the `webfb` command (package.json "bin",
// and /usr/local/bin/webfb in the Docker image); everything testable lives in run.ts.
runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
