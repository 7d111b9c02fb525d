import type { Deps } from '../../src/deps';

/**
 * Holds every password compare at a gate until the test opens it, so that a
 * test can line up many attempts "inside one bcrypt delay" — the window the
 * lockout must hold in (issue 10, R15) — without depending on timing.
 */
export function holdCompares(...all: Deps[]) {
  let calls = 0;
  let compared = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  for (const deps of all) {
    const verify = deps.hasher.verify.bind(deps.hasher);
    deps.hasher.verify = async (plain, hash) => {
      calls += 1;
      if (hash) compared += 1;
      await gate;
      return verify(plain, hash);
    };
  }
  return {
    /** Resolves once `n` compares (real or the dummy one) are waiting at the gate. */
    async reached(n: number): Promise<void> {
      while (calls < n) await new Promise((resolve) => setImmediate(resolve));
    },
    release: () => open(),
    get calls() {
      return calls;
    },
    /** Compares against a stored hash (not the dummy one spent by refused attempts). */
    get compared() {
      return compared;
    },
  };
}

/** Starts a request now (supertest sends on then()), to be awaited later. */
export function fire<T>(request: PromiseLike<T>): Promise<T> {
  return Promise.resolve(request);
}
