import bcrypt from 'bcrypt';
import os from 'node:os';
import { busy } from '../errors';

/**
 * At most `free` tasks at once; the others wait their turn in arrival order,
 * and past `maxQueued` waiting a task is refused at once (busy(), 503).
 */
export class Slots {
  private readonly waiting: Array<() => void> = [];

  constructor(private free: number, private readonly maxQueued = Number.POSITIVE_INFINITY) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else if (this.waiting.length >= this.maxQueued) throw busy();
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }

  /** Tasks waiting for a slot (for tests and logs). */
  get queued(): number {
    return this.waiting.length;
  }
}

/**
 * How many bcrypt operations may wait per running one: 50 × about 0.25 s at
 * cost 12 is a wait of about 12 s; a flood beyond that is answered 503 at once
 * instead of holding thousands of requests (and their memory) for minutes.
 */
const QUEUED_PER_SLOT = 50;

/**
 * bcrypt for every stored password (DESIGN §6). bcrypt's native compare runs on
 * libuv's thread pool, so it never runs on the event loop itself — but the
 * pool has four threads, and on a server with fewer cores four bcrypt threads
 * crowd out the thread that answers every other request: in the benchmark's
 * login flood one core gave the event loop 60–120 ms pauses. So only as many
 * bcrypt operations run at once as this process has cores (the affinity mask
 * counts: os.availableParallelism), which keeps the cores busy — logins go as
 * fast as bcrypt allows — while the event loop competes with one bcrypt thread
 * per core instead of four.
 */
export class PasswordHasher {
  private readonly dummyHash: string;
  readonly slots: Slots;

  constructor(private readonly cost: number, concurrency: number = os.availableParallelism(), queuedPerSlot = QUEUED_PER_SLOT) {
    // Compared against when a login ID is unknown, so that "no such ID" takes
    // as long as "wrong password" and timing does not reveal which IDs exist.
    this.dummyHash = bcrypt.hashSync('dummy-password-for-timing', cost);
    const slots = Math.max(1, concurrency);
    this.slots = new Slots(slots, slots * queuedPerSlot);
  }

  hash(plain: string): Promise<string> {
    return this.slots.run(() => bcrypt.hash(plain, this.cost));
  }

  verify(plain: string, hash: string | null | undefined): Promise<boolean> {
    return this.slots.run(() => bcrypt.compare(plain, hash ?? this.dummyHash)).then((ok) => ok && Boolean(hash));
  }
}
