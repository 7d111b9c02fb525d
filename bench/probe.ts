import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';

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

process.on('message', (message: unknown) => {
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
