import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import fs from 'node:fs';
import { Session } from 'node:inspector';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Runs inside a measured server process, before the server itself: watches
 * the event loop and answers the benchmark over the IPC channel. The server
 * to start is the first argument (the built app, or one of bench/'s servers).
 */
export interface ProbeReport {
  maxDelayMs: number;
  p99DelayMs: number;
  rssBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** V8 heap in use right after a full collection: what the process really retains. */
  retainedHeapBytes: number;
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

// A full collection on demand, only to tell retained memory from heap headroom (the RSS is read first).
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

function memory(): Pick<ProbeReport, 'rssBytes' | 'heapTotalBytes' | 'externalBytes' | 'retainedHeapBytes'> {
  const m = process.memoryUsage();
  collect();
  return { rssBytes: m.rss, heapTotalBytes: m.heapTotal, externalBytes: m.external, retainedHeapBytes: process.memoryUsage().heapUsed };
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
      ...memory(),
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
