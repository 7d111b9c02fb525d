import { ADMIN_ACTIONS_NEEDING_CODE, needsCode, type AdminAction } from '../../src/domain/adminStepUp';

describe('codes for administrator actions (issue 13, item 2): the table', () => {
  test('when the table is read, then exactly the actions that widen what can be done need the administrator\'s code', () => {
    expect(ADMIN_ACTIONS_NEEDING_CODE).toEqual({
      addUser: true,
      grantTransfer: true,
      revokeTransfer: false,
      raiseLimit: true,
      lowerLimit: false,
      resetPassword: true,
      unlockUser: true,
      unregisterUserToken: true,
      changeEmail: true,
    });
  });

  test.each(Object.keys(ADMIN_ACTIONS_NEEDING_CODE) as AdminAction[])('when OTP has not started, then %s needs no code', (action) => {
    expect(needsCode(action, false)).toBe(false);
  });

  test.each(Object.entries(ADMIN_ACTIONS_NEEDING_CODE) as [AdminAction, boolean][])('when OTP has started, then %s needs a code: %s', (action, needed) => {
    expect(needsCode(action, true)).toBe(needed);
  });
});
