/**
 * Codes for administrator actions (issue 13, item 2): once the company has
 * started OTP (R7), the actions below are confirmed with the administrator's
 * current one-time password (field `otp`) besides the 承認用パスワード — the
 * administrator's own token in A, the shared token in B. Peers ask it for
 * adding or changing users and revoking tokens (77銀行, 仙台銀行, 労金) and for
 * raising a limit (北斗信金). What only narrows what can be done (lowering a
 * limit, taking away 都度振込 authority) needs no code. One table, read by
 * the services that refuse and the screens that ask.
 */

export type AdminAction =
  | 'addUser'
  | 'grantTransfer'
  | 'revokeTransfer'
  | 'raiseLimit'
  | 'lowerLimit'
  | 'resetPassword'
  | 'unlockUser'
  | 'unregisterUserToken'
  /** A 利用者's notice address (issue 14): whoever moves it away could hide the notices that follow. */
  | 'changeEmail';

export const ADMIN_ACTIONS_NEEDING_CODE: Readonly<Record<AdminAction, boolean>> = {
  addUser: true,
  grantTransfer: true,
  revokeTransfer: false,
  raiseLimit: true,
  lowerLimit: false,
  resetPassword: true,
  unlockUser: true,
  unregisterUserToken: true,
  changeEmail: true,
};

/** Whether this action needs the administrator's one-time password now: only once OTP has started. */
export const needsCode = (action: AdminAction, otpStarted: boolean): boolean => otpStarted && ADMIN_ACTIONS_NEEDING_CODE[action];
