import type { Logger } from 'pino';
import { acceptedSteps, driftOf, resyncSteps } from '../domain/otpDrift';
import { isExpired } from '../domain/tokenExpiry';
import { matchConsecutiveSteps, matchStepIn, stepAt } from '../domain/totp';
import type { SealedToken, TokensRepository } from '../repositories/tokens';
import { SealError, type SecretBox } from './encryption';

/** Why a token cannot answer at all: told to the user exactly like a wrong code, except a broken seal is logged. */
type Unusable =
  /** No such credential ID: told to the user exactly like 'wrong' (R3). */
  | { result: 'unknown' }
  | { result: 'disabled' }
  /** The sealed secret failed authentication: fail closed, and tell the operator. */
  | { result: 'sealBroken' };

export type CodeCheck =
  | { result: 'ok'; tokenId: number; step: number }
  /** The code matches no step, not even in the wider 同期ズレ補正 window. */
  | { result: 'wrong' }
  /**
   * The code matches a step already spent (R2). lastAccepted: it is the very
   * step this token accepted last — the code the phone may still show after
   * its use — which its holder is told to wait out (issue 15); any older step
   * is told to the user exactly like 'wrong'.
   */
  | { result: 'replayed'; lastAccepted: boolean }
  /**
   * The code matches only within ±OTP_RESYNC_WINDOW of the server's step: the
   * token's clock seems off, and its holder is sent to 同期ズレ補正 (issue 13).
   * Not accepted.
   */
  | { result: 'outOfSync' }
  /** A right code of a token past its 有効期限 (issue 13): said only once the code proves its holder. */
  | { result: 'expired'; expiresOn: string }
  | Unusable;

/** 同期ズレ補正: two consecutive codes, matched within ±OTP_RESYNC_WINDOW of the server's step. */
export type ResyncCheck =
  | { result: 'ok'; tokenId: number; step: number; drift: number }
  /** The two codes are not consecutive codes of this token in the window. */
  | { result: 'wrong' }
  /** They are, but their steps were already spent (R2, R13). */
  | { result: 'replayed' }
  | { result: 'expired'; expiresOn: string }
  | Unusable;

/**
 * The token authority (DESIGN §5): the one interface the bank's screens use to
 * ask "is this the code of that credential?". The embedded register below
 * answers from local, encrypted records; a vendor validation service would
 * implement the same calls (spending the code in validate and returning
 * true from consume, and likewise for resync).
 */
export interface TokenAuthority {
  /** Checks a code at `now` within ±window steps of the token's recorded drift, without spending it. */
  validate(credentialId: string, code: string, now: number): Promise<CodeCheck>;
  /**
   * Spends the matched step. Runs inside the caller's transaction (a transfer's
   * debit, a registration's insert) so both commit or neither does; false when
   * this step or a later one was already accepted (R2).
   */
  consume(check: Extract<CodeCheck, { result: 'ok' }>): Promise<boolean>;
  /** Checks two consecutive codes for 同期ズレ補正, without spending them. */
  resync(credentialId: string, first: string, second: string, now: number): Promise<ResyncCheck>;
  /** Spends both steps and records the drift (RFC 6238 §6), in the caller's transaction; false when already spent. */
  recordResync(check: Extract<ResyncCheck, { result: 'ok' }>, now: number): Promise<boolean>;
}

export class EmbeddedTokenAuthority implements TokenAuthority {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly box: SecretBox,
    private readonly window: { otp: number; resync: number },
    private readonly logger: Logger,
  ) {}

  async validate(credentialId: string, code: string, now: number): Promise<CodeCheck> {
    const opened = await this.open(credentialId);
    if ('result' in opened) return opened;
    const { token, secret } = opened;
    const nowStep = stepAt(now);
    const accepted = matchStepIn(secret, code, acceptedSteps(nowStep, token.drift, this.window.otp));
    // Searched only when the code is not accepted; a code found there is never accepted, only named.
    const step = accepted ?? matchStepIn(secret, code, resyncSteps(nowStep, this.window.resync));
    secret.fill(0);
    if (step === null) return { result: 'wrong' };
    if (isExpired(token.expiresOn, now)) return { result: 'expired', expiresOn: token.expiresOn };
    if (token.lastStep !== null && step <= token.lastStep) return { result: 'replayed', lastAccepted: step === token.lastStep };
    if (accepted === null) return { result: 'outOfSync' };
    return { result: 'ok', tokenId: token.id, step };
  }

  async consume(check: Extract<CodeCheck, { result: 'ok' }>): Promise<boolean> {
    return await this.tokens.consumeStep(check.tokenId, check.step);
  }

  async resync(credentialId: string, first: string, second: string, now: number): Promise<ResyncCheck> {
    const opened = await this.open(credentialId);
    if ('result' in opened) return opened;
    const { token, secret } = opened;
    const nowStep = stepAt(now);
    const window = resyncSteps(nowStep, this.window.resync);
    // The second code's step stays inside the window too, so a recorded drift never exceeds it.
    const step = matchConsecutiveSteps(secret, first, second, { from: window.from, to: window.to - 1 });
    secret.fill(0);
    if (step === null) return { result: 'wrong' };
    if (isExpired(token.expiresOn, now)) return { result: 'expired', expiresOn: token.expiresOn };
    if (token.lastStep !== null && step <= token.lastStep) return { result: 'replayed' };
    return { result: 'ok', tokenId: token.id, step, drift: driftOf(step + 1, nowStep) };
  }

  async recordResync(check: Extract<ResyncCheck, { result: 'ok' }>, now: number): Promise<boolean> {
    return await this.tokens.recordResync(check.tokenId, check.step, check.drift, now);
  }

  /** The token and its opened secret (the caller zeroes it), or why there is none. */
  private async open(credentialId: string): Promise<{ token: SealedToken; secret: Uint8Array } | Unusable> {
    const token = await this.tokens.findSealed(credentialId);
    if (!token) return { result: 'unknown' };
    if (token.status !== 'active') return { result: 'disabled' };
    try {
      return { token, secret: this.box.open(token.secretSealed, token.credentialId) };
    } catch (err) {
      if (!(err instanceof SealError)) throw err;
      const keyNote = token.keyId === this.box.keyId ? 'record altered' : `sealed under key ${token.keyId}, configured key is ${this.box.keyId}`;
      this.logger.error({ credentialId, keyNote }, 'token secret failed authentication; validation refused');
      return { result: 'sealBroken' };
    }
  }
}
