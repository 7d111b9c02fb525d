import { primaryHolder, primaryOf, slotRefusal, userSlotRule, type SlotFacts } from '../../src/domain/otpSlot';

const facts = (f: Partial<SlotFacts>): SlotFacts => ({ usageMode: 'individual', isAdmin: false, primaryRegistered: true, registered: false, ...f });

describe('one user token slot rule (§2, §3(2)(3), Q1; R5, R7, R8)', () => {
  test.each([
    ['no 利用形態 yet', facts({ usageMode: null }), 'register', 'noMode'],
    ['A, 利用者, administrator registered, user not', facts({}), 'register', null],
    ['A, 利用者 with a token', facts({ registered: true }), 'unregister', null],
    ['A, 利用者, administrator not registered yet', facts({ primaryRegistered: false }), 'register', 'adminFirst'],
    ['A, 利用者 with a token after the branch removed the administrator’s', facts({ primaryRegistered: false, registered: true }), 'unregister', null],
    ['A, the administrator with a token', facts({ isAdmin: true, registered: true }), 'unregister', 'branchOnly'],
    ['A, the administrator without a token', facts({ isAdmin: true, primaryRegistered: false }), 'register', 'primaryMissing'],
    ['B, shared token registered', facts({ usageMode: 'shared', registered: true }), 'unregister', 'branchOnly'],
    ['B, shared token not registered', facts({ usageMode: 'shared', primaryRegistered: false }), 'register', 'primaryMissing'],
  ] as const)('when %s, then the screen does %s, blocked by %s', (_case, f, operation, blocked) => {
    expect(userSlotRule(f)).toEqual({ operation, blocked });
  });

  test.each([
    ['A, 利用者 without a token', facts({}), 'register', null],
    ['A, 利用者 without a token', facts({}), 'unregister', 'notRegistered'],
    ['A, 利用者 with a token', facts({ registered: true }), 'register', 'registered'],
    ['A, 利用者 with a token', facts({ registered: true }), 'unregister', null],
    ['A, administrator not registered yet', facts({ primaryRegistered: false }), 'register', 'adminFirst'],
    ['A, the administrator without a token', facts({ isAdmin: true, primaryRegistered: false }), 'register', 'primaryMissing'],
    ['A, the administrator without a token', facts({ isAdmin: true, primaryRegistered: false }), 'unregister', 'branchOnly'],
    ['A, the administrator with a token', facts({ isAdmin: true, registered: true }), 'unregister', 'branchOnly'],
    ['A, the administrator with a token', facts({ isAdmin: true, registered: true }), 'register', 'registered'],
    ['B, shared token registered', facts({ usageMode: 'shared', registered: true }), 'unregister', 'branchOnly'],
    ['no 利用形態', facts({ usageMode: null }), 'register', 'noMode'],
  ] as const)('when %s is asked to %s, then the service refuses with %s', (_case, f, requested, refusal) => {
    expect(slotRefusal(userSlotRule(f), requested)).toBe(refusal);
  });
});

describe('the primary token (R7, R8)', () => {
  const registrations = [{ userId: 7, id: 'user' }, { userId: 1, id: 'admin' }, { userId: null, id: 'shared' }];

  test('when the mode is A, then the administrator’s own registration is the primary one', () => {
    expect(primaryHolder('individual', 1)).toBe(1);
    expect(primaryOf(registrations, 'individual', 1)?.id).toBe('admin');
  });

  test('when the mode is B, then the shared registration (no user) is the primary one', () => {
    expect(primaryHolder('shared', 1)).toBeNull();
    expect(primaryOf(registrations, 'shared', 1)?.id).toBe('shared');
  });

  test('when no mode is chosen, then there is no primary token', () => {
    expect(primaryOf(registrations, null, 1)).toBeUndefined();
  });
});
