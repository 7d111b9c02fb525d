import { EventEmitter } from 'node:events';
import type { WalSyncAnswer, WalSyncRequest } from '../../src/db/walSyncWorker';

/** A worker thread the test answers by hand: it records each sync asked and answers when told. */
export class HeldWorker extends EventEmitter {
  readonly asked: number[] = [];
  private answering = false;
  postMessage(request: WalSyncRequest): void {
    if (request.type === 'stop') return void setImmediate(() => this.emit('exit', 0));
    this.asked.push(request.id);
    this.emit('asked', request.id);
    if (this.answering) setImmediate(() => this.answer());
  }
  /** From now on syncs wait for answer() again. */
  hold(): void {
    this.answering = false;
  }
  /** From now on every sync is answered as soon as it is asked (and those waiting, now). */
  answerAll(): void {
    this.answering = true;
    while (this.asked.length > 0) this.answer();
  }
  answer(type: WalSyncAnswer['type'] = 'synced'): void {
    const id = this.asked.shift()!;
    this.emit('message', type === 'synced' ? { type, id } : { type, id, error: 'EIO: i/o error, fdatasync' });
  }
  terminate(): Promise<number> {
    this.emit('exit', 1);
    return Promise.resolve(1);
  }
}

/** Lets every callback already due run (promise jobs and immediates), without waiting for any time. */
export const settleCallbacks = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

export const state = <T>(p: Promise<T>) => {
  const s = { done: false, failed: undefined as unknown };
  p.then(
    () => (s.done = true),
    (err: unknown) => (s.failed = err),
  );
  return s;
};

