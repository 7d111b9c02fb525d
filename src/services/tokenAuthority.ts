import type { Logger } from 'pino';
import { matchStep, stepAt } from '../domain/totp';
import type { TokensRepository } from '../repositories/tokens';
import { SealError, type SecretBox } from './encryption';

export type CodeCheck =
  | { result: 'ok'; tokenId: number; step: number; drift: number }
  /** The code matches no step in the window. */
  | { result: 'wrong' }
  /**
   * The code matches a step already spent (R2). lastAccepted: it is the very
   * step this token accepted last — the code the phone may still show after
   * its use — which its holder is told to wait out (issue 15); any older step
   * is told to the user exactly like 'wrong'.
   */
  | { result: 'replayed'; lastAccepted: boolean }
  /** No such credential ID: told to the user exactly like 'wrong' (R3). */
  | { result: 'unknown' }
  | { result: 'disabled' }
  /** The sealed secret failed authentication: fail closed, and tell the operator. */
  | { result: 'sealBroken' };

/**
 * The token authority (DESIGN §5): the one interface the bank's screens use to
 * ask "is this the code of that credential?". The embedded register below
 * answers from local, encrypted records; a vendor validation service would
 * implement the same two calls (spending the code in validate and returning
 * true from consume).
 */
export interface TokenAuthority {
  /** Checks a code at `now` within ±window steps without spending it. */
  validate(credentialId: string, code: string, now: number): CodeCheck;
  /**
   * Spends the matched step. Runs inside the caller's transaction (a transfer's
   * debit, a registration's insert) so both commit or neither does; false when
   * this step or a later one was already accepted (R2).
   */
  consume(check: Extract<CodeCheck, { result: 'ok' }>): boolean;
}

export class EmbeddedTokenAuthority implements TokenAuthority {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly box: SecretBox,
    private readonly window: number,
    private readonly logger: Logger,
  ) {}

  validate(credentialId: string, code: string, now: number): CodeCheck {
    const token = this.tokens.findSealed(credentialId);
    if (!token) return { result: 'unknown' };
    if (token.status !== 'active') return { result: 'disabled' };
    let secret: Uint8Array;
    try {
      secret = this.box.open(token.secretSealed, token.credentialId);
    } catch (err) {
      if (!(err instanceof SealError)) throw err;
      const keyNote = token.keyId === this.box.keyId ? 'record altered' : `sealed under key ${token.keyId}, configured key is ${this.box.keyId}`;
      this.logger.error({ credentialId, keyNote }, 'token secret failed authentication; validation refused');
      return { result: 'sealBroken' };
    }
    const step = matchStep(secret, code, now, this.window);
    secret.fill(0);
    if (step === null) return { result: 'wrong' };
    if (token.lastStep !== null && step <= token.lastStep) return { result: 'replayed', lastAccepted: step === token.lastStep };
    return { result: 'ok', tokenId: token.id, step, drift: step - stepAt(now) };
  }

  consume(check: Extract<CodeCheck, { result: 'ok' }>): boolean {
    return this.tokens.consumeStep(check.tokenId, check.step, check.drift);
  }
}
