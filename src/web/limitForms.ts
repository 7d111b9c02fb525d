import { z } from 'zod';
import type { Limits } from '../domain/limits';
import type { InvalidLimitsRefusal } from '../services/limits';
import { normalize } from '../domain/text';
import { yenSchema } from '../domain/yen';
import type { FieldErrors } from './forms';
import { formatYen } from './format';

/**
 * The 振込限度額 fields (issue 13): `perTransferLimit` and `dailyLimit`, on
 * the branch's 契約登録 and 契約先詳細, the administrator's /admin/limits and
 * 利用者管理. Amounts as parseYen reads them (full-width digits, commas).
 */

/** The largest daily limit any form accepts: 12 digits, as the opening balance. */
export const MAX_LIMIT = 999_999_999_999;

export const LIMIT_LABELS = { perTransferLimit: '1回あたりの振込限度額', dailyLimit: '1日あたりの振込限度額' } as const;

const limit = (label: string, max: number) => yenSchema({ label, min: 1, max });
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (normalize(v) === '' ? undefined : v), schema.optional()).transform((v) => (v === undefined ? null : (v as number)));

/** Both limits required (the company's, the bank's); a 1回 limit above the service's ceiling is refused here. */
export const limitFields = (perTransferMax: number) => ({
  perTransferLimit: limit(LIMIT_LABELS.perTransferLimit, perTransferMax),
  dailyLimit: limit(LIMIT_LABELS.dailyLimit, MAX_LIMIT),
});

/** Limits that may be left empty: a user's own (then the company's applies), or the contract's (then the defaults). */
export const optionalLimitFields = (perTransferMax: number) => ({
  perTransferLimit: optional(limit(LIMIT_LABELS.perTransferLimit, perTransferMax)),
  dailyLimit: optional(limit(LIMIT_LABELS.dailyLimit, MAX_LIMIT)),
});

export const PER_TRANSFER_OVER_DAILY = '1回あたりの振込限度額は、1日あたりの振込限度額以下で入力してください。';

/** The bank's limits as the branch sets them: a 1回 limit above the 1日 one could never be used in full. */
export const bankLimitsErrors = (limits: Limits): FieldErrors | null =>
  limits.perTransfer > limits.daily ? { perTransferLimit: PER_TRANSFER_OVER_DAILY } : null;

/** Beside the field: which limit is above the level over it (the bank's, or the company's). */
export function invalidLimitsErrors(refusal: InvalidLimitsRefusal, above: '当金庫が設定した' | '契約先の'): FieldErrors {
  switch (refusal.reason) {
    case 'perTransferAbove':
      return { perTransferLimit: `${LIMIT_LABELS.perTransferLimit}は、${above}限度額（${formatYen(refusal.above.perTransfer)}）以下で入力してください。` };
    case 'dailyAbove':
      return { dailyLimit: `${LIMIT_LABELS.dailyLimit}は、${above}限度額（${formatYen(refusal.above.daily)}）以下で入力してください。` };
    case 'perTransferOverDaily':
      return { perTransferLimit: PER_TRANSFER_OVER_DAILY };
  }
}
