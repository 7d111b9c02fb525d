import type { LoginAttempt } from '../repositories/loginHistory';

/** 結果 of a login attempt in words (ログイン履歴, 契約先詳細). */
export function loginResultLabel(attempt: Pick<LoginAttempt, 'outcome' | 'detail'>): string {
  if (attempt.outcome === 'success') return '成功';
  if (attempt.detail === 'locked' || attempt.detail === 'attemptsInFlight') return '失敗（ロック中）';
  return '失敗（パスワード誤り）';
}
