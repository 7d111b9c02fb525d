import { PasswordHasher, Slots } from '../../src/services/passwords';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const settle = () => new Promise((r) => setImmediate(r));

describe('bcrypt slots (issue 5: a login flood must not crowd out the event loop)', () => {
  test('when more tasks than slots arrive, then only as many run at once and the rest start in arrival order', async () => {
    const slots = new Slots(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const all = gates.map((gate, i) => slots.run(async () => {
      started.push(i);
      await gate.promise;
      return i;
    }));
    await settle();
    expect(started).toEqual([0, 1]);
    expect(slots.queued).toBe(2);

    gates[1]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3]);
    expect(slots.queued).toBe(0);
  });

  test('when a task fails, then its caller gets the error and its slot goes to the next task', async () => {
    const slots = new Slots(1);
    const failing = slots.run(() => Promise.reject(new Error('boom')));
    const next = slots.run(() => Promise.resolve('ran'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  test('when a hasher has one slot, then a second compare waits for the first and both answer correctly', async () => {
    const hasher = new PasswordHasher(4, 1);
    const hash = await hasher.hash('Right-Pass-1');
    const first = hasher.verify('Right-Pass-1', hash);
    const second = hasher.verify('Wrong-Pass-1', hash);
    expect(hasher.slots.queued).toBe(1);
    expect(await Promise.all([first, second])).toEqual([true, false]);
  });

  test('when the login ID is unknown, then the dummy hash is compared and the answer is no', async () => {
    const hasher = new PasswordHasher(4, 1);
    expect(await hasher.verify('anything', null)).toBe(false);
  });
});

describe('bcrypt queue bound (a flood is refused at once, not queued for minutes)', () => {
  test('when the queue is full, then the next task is refused with the 503 busy error and nothing runs for it', async () => {
    const slots = new Slots(1, 1);
    const gate = deferred();
    const running = slots.run(() => gate.promise);
    const queued = slots.run(() => Promise.resolve('queued ran'));
    let ran = false;

    await expect(slots.run(async () => { ran = true; })).rejects.toMatchObject({ status: 503 });

    expect(ran).toBe(false);
    gate.resolve();
    await running;
    await expect(queued).resolves.toBe('queued ran');
  });
});
