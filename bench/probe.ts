import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import fs from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Runs inside a measured server process, before the server itself: watches
 * the event loop and answers the benchmark over the IPC channel. The server
 * to start is the first argument (the built app, or one of bench/'s servers).
 */
export interface ProbeReport {
  maxDelayMs: number;
  p99DelayMs: number;
  rssBytes: number;
  commits?: { batches: number; jobs: number; largestBatch: number };
}

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();

// CPU profile of one window of the run (`--profile`): started and stopped over IPC, written as .cpuprofile.
let inspector: Session | undefined;
function profile(command: 'start' | 'stop', file?: string): void {
  if (command === 'start') {
    inspector = new Session();
    inspector.connect();
    inspector.post('Profiler.enable', () => inspector!.post('Profiler.start', () => process.send?.({ type: 'profiling' })));
    return;
  }
  inspector?.post('Profiler.stop', (err, result) => {
    if (!err && file) fs.writeFileSync(file, JSON.stringify(result.profile));
    inspector?.disconnect();
    process.send?.({ type: 'profiled', report: file });
  });
}

process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'profile' in message) {
    const { profile: command, file } = message as { profile: 'start' | 'stop'; file?: string };
    return profile(command, file);
  }
  if (message === 'reset') {
    histogram.reset();
    process.send?.({ type: 'reset' });
  } else if (message === 'report') {
    const report: ProbeReport = {
      maxDelayMs: histogram.max / 1e6,
      p99DelayMs: histogram.percentile(99) / 1e6,
      rssBytes: process.memoryUsage().rss,
    };
    process.send?.({ type: 'report', report });
  }
});
// The channel must not keep a stopped server alive.
process.channel?.unref();

const entry = process.argv[2];
if (!entry) throw new Error('usage: probe <server entry>');
// Loaded after the monitor is running; a start error still ends the process.
void import(path.resolve(entry));
