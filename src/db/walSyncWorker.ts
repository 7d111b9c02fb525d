import fs from 'node:fs';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';

/**
 * The WAL sync worker thread (started by WalSync in walSync.ts): it holds the
 * WAL file open and makes it durable (fdatasync) when asked, so that the event
 * loop never waits for the disk. fdatasync flushes the file whichever
 * descriptor wrote it: the main connection's commits, written to the page
 * cache at synchronous=NORMAL, are on disk once this answers. Like the
 * checkpoint worker it imports nothing but types from its siblings, and its
 * logic takes its port as a parameter so the unit tests run it in-process.
 */

export interface WalSyncWorkerData {
  kind: 'wal-sync';
  walFile: string;
}

export type WalSyncRequest = { type: 'sync'; id: number } | { type: 'stop' };
export type WalSyncAnswer = { type: 'synced'; id: number } | { type: 'failed'; id: number; error: string };

export interface WalSyncPort {
  postMessage(message: WalSyncAnswer): void;
  close(): void;
}

export class WalSyncWorker {
  constructor(
    private readonly fd: number,
    private readonly port: WalSyncPort,
  ) {}

  handle(request: WalSyncRequest): void {
    if (request.type === 'stop') {
      fs.closeSync(this.fd);
      this.port.close();
      return;
    }
    try {
      fs.fdatasyncSync(this.fd);
      this.port.postMessage({ type: 'synced', id: request.id });
    } catch (err) {
      this.port.postMessage({ type: 'failed', id: request.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

export function isWalSyncWorkerData(data: unknown): data is WalSyncWorkerData {
  return typeof data === 'object' && data !== null && (data as Partial<WalSyncWorkerData>).kind === 'wal-sync';
}

/** Opens the WAL (it exists while the main connection is open) and answers the port's requests. */
export function runWalSyncWorker(port: MessagePort, data: WalSyncWorkerData): WalSyncWorker {
  const worker = new WalSyncWorker(fs.openSync(data.walFile, 'r'), port);
  port.on('message', (request: WalSyncRequest) => worker.handle(request));
  return worker;
}

// The entry: only in a thread started with this worker's data.
if (!isMainThread && parentPort && isWalSyncWorkerData(workerData)) runWalSyncWorker(parentPort, workerData);
