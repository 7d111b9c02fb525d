import bcrypt from 'bcrypt';

/**
 * bcrypt for every stored password (DESIGN §6). bcrypt's native compare runs on
 * libuv's thread pool, so a flood of logins never blocks the event loop.
 */
export class PasswordHasher {
  private readonly dummyHash: string;

  constructor(private readonly cost: number) {
    // Compared against when a login ID is unknown, so that "no such ID" takes
    // as long as "wrong password" and timing does not reveal which IDs exist.
    this.dummyHash = bcrypt.hashSync('dummy-password-for-timing', cost);
  }

  hash(plain: string): Promise<string> {
    return bcrypt.hash(plain, this.cost);
  }

  verify(plain: string, hash: string | null | undefined): Promise<boolean> {
    return bcrypt.compare(plain, hash ?? this.dummyHash).then((ok) => ok && Boolean(hash));
  }
}
