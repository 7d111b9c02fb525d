import { ConfigError, loadConfig } from '../../src/config';
import { prettyLogs } from '../../src/logger';

// loadConfig takes the environment as an argument, so each test passes exactly
// the variables it is about and nothing leaks in from the shell running jest.
const expectConfigError = (env: NodeJS.ProcessEnv, message: RegExp): void => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
};

// Production also needs SMTP_URL for the e-mail notices (issue 14).
const productionSecrets = { SECRET_KEY: 'k'.repeat(44), SESSION_SECRET: 's'.repeat(44), SMTP_URL: 'smtp://mail.example.jp:587' };

describe('configuration (DESIGN §7)', () => {
  test('when nothing is set, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      staffPort: 3001,
      staffHost: '127.0.0.1',
      databaseFile: 'data/webfb.db',
      trustProxy: false,
      bcryptCost: 12,
      sessionIdleMs: 15 * 60_000,
      sessionAbsoluteMs: 12 * 3_600_000,
      lockoutThreshold: 6,
      draftTtlMs: 10 * 60_000,
      transferLimitYen: 10_000_000,
      loginRateLimitPerMinute: 30,
      logLevel: 'info',
      secretKey: undefined,
      sessionSecret: undefined,
    });
  });

  test('when HOST is not set in demo mode, then the customer site listens on loopback only (its credentials are published)', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', DEMO: '1', ...productionSecrets }).host).toBe('127.0.0.1');
  });

  test('when HOST is not set outside demo mode, then the customer site listens on every interface', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...productionSecrets }).host).toBe('0.0.0.0');
    expect(loadConfig({ DEMO: '0' }).host).toBe('0.0.0.0');
  });

  test('when HOST is set, then it wins in demo mode and outside it', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', HOST: '10.1.2.3', ...productionSecrets }).host).toBe('10.1.2.3');
  });

  test('when HOST is set but empty, then the configuration is refused', () => {
    expectConfigError({ HOST: '' }, /HOST/);
  });

  test('when the branch console host is not set, then it listens on loopback only', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...productionSecrets }).staffHost).toBe('127.0.0.1');
  });

  test('when production starts without SECRET_KEY and SESSION_SECRET, then it refuses and names both', () => {
    expectConfigError({ NODE_ENV: 'production' }, /Refusing to start in production without SECRET_KEY and SESSION_SECRET/);
  });

  test('when production starts without SESSION_SECRET only, then it refuses and names it', () => {
    expectConfigError({ NODE_ENV: 'production', SECRET_KEY: productionSecrets.SECRET_KEY }, /without SESSION_SECRET\./);
  });

  test('when production has both secrets, then it starts', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...productionSecrets });
    expect(config.secretKey).toBe(productionSecrets.SECRET_KEY);
    expect(config.sessionSecret).toBe(productionSecrets.SESSION_SECRET);
  });

  describe('on PostgreSQL, where several nodes share one database (issue 12)', () => {
    const DATABASE_URL = 'postgres://webfb:pw@db.internal:5432/webfb';
    const shared = { SECRET_KEY: productionSecrets.SECRET_KEY, SESSION_SECRET: productionSecrets.SESSION_SECRET };

    test.each(['development', 'test'])('when DATABASE_URL is set in %s without SECRET_KEY and SESSION_SECRET, then the start is refused and names both', (env) => {
      expectConfigError({ NODE_ENV: env, DATABASE_URL }, /Refusing to start on PostgreSQL \(DATABASE_URL\) without SECRET_KEY and SESSION_SECRET\. Every node/);
    });

    test('when DATABASE_URL is set without NODE_ENV and without SESSION_SECRET only, then the start is refused and names it alone', () => {
      expectConfigError({ DATABASE_URL, SECRET_KEY: shared.SECRET_KEY }, /without SESSION_SECRET\. /);
    });

    test('when DATABASE_URL is set without SECRET_KEY only, then the start is refused and names it alone (no per-node demo key file)', () => {
      expectConfigError({ DATABASE_URL, SESSION_SECRET: shared.SESSION_SECRET }, /without SECRET_KEY\. /);
    });

    test('when DATABASE_URL is set in production without the secrets, then the production message names them', () => {
      expectConfigError({ NODE_ENV: 'production', DATABASE_URL, SMTP_URL: productionSecrets.SMTP_URL }, /Refusing to start in production without SECRET_KEY and SESSION_SECRET/);
    });

    test('when DATABASE_URL is set with both secrets, then it starts in demo mode as outside it', () => {
      const config = loadConfig({ DATABASE_URL, ...shared });
      expect(config).toMatchObject({ databaseUrl: DATABASE_URL, demo: true, secretKey: shared.SECRET_KEY, sessionSecret: shared.SESSION_SECRET });
      expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL, DEMO: '0', ...shared }).demo).toBe(false);
    });

    test('when DATABASE_URL is not set, then outside production the secrets stay optional (SQLite: one process, its demo key file)', () => {
      expect(loadConfig({ NODE_ENV: 'development' }).secretKey).toBeUndefined();
      expect(loadConfig({ NODE_ENV: 'test' }).sessionSecret).toBeUndefined();
    });
  });

  test('when DEMO is not set, then demo mode is on outside production and off in production', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).demo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', ...productionSecrets }).demo).toBe(false);
  });

  test('when DEMO is set, then it wins over the default in either direction', () => {
    expect(loadConfig({ DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ DEMO: 'false' }).demo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMO: '1', ...productionSecrets }).demo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', DEMO: 'true', ...productionSecrets }).demo).toBe(true);
  });

  test('when DEMO has another value, then it is rejected rather than guessed', () => {
    expectConfigError({ DEMO: 'yes' }, /DEMO/);
  });

  test.each(['abc', '70000', '-1', '3000.5'])('when PORT is %p, then it is rejected with the variable named', (port) => {
    expectConfigError({ PORT: port }, /Invalid configuration:\n {2}PORT: /);
  });

  test('when STAFF_PORT is not a number, then it is rejected', () => {
    expectConfigError({ STAFF_PORT: 'console' }, /STAFF_PORT/);
  });

  test('when ports are given as strings, then they are read as numbers', () => {
    const config = loadConfig({ PORT: '3900', STAFF_PORT: '3901' });
    expect(config.port).toBe(3900);
    expect(config.staffPort).toBe(3901);
  });

  test('when BCRYPT_COST is below 4, then it is rejected', () => {
    expectConfigError({ BCRYPT_COST: '3' }, /BCRYPT_COST/);
  });

  test('when NODE_ENV is unknown, then it is rejected', () => {
    expectConfigError({ NODE_ENV: 'staging' }, /NODE_ENV/);
  });

  test('when TRUST_PROXY is a number, then that many proxy hops are trusted', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({}).trustProxy).toBe(false);
  });

  test('when TRUST_PROXY lists addresses, subnets or Express’s names, then exactly those are trusted', () => {
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,192.0.2.10' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '192.0.2.10']);
  });

  test.each(['true', '*', '0.0.0.0/0', '::/0', 'loopback,0.0.0.0/0'])('when TRUST_PROXY is %s (any address), then the start is refused with a clear message', (value) => {
    expectConfigError({ TRUST_PROXY: value }, /TRUST_PROXY: .*would trust any client's X-Forwarded-For/);
  });

  test('when TRUST_PROXY is not an address, then the start is refused', () => {
    expectConfigError({ TRUST_PROXY: 'proxy.example' }, /TRUST_PROXY: .*hop count/);
  });
});

describe('ports', () => {
  test('when PORT is set but empty, then the configuration is refused instead of meaning a random port', () => {
    expect(() => loadConfig({ PORT: '' })).toThrow(/PORT/);
    expect(() => loadConfig({ STAFF_PORT: '' })).toThrow(/STAFF_PORT/);
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
  });
});

describe('log format (issue 15)', () => {
  const pretty = (env: NodeJS.ProcessEnv, tty: boolean): boolean => prettyLogs(loadConfig(env), tty);

  test('when development runs at a terminal, then the log is human-readable, unless LOG_PRETTY=0', () => {
    expect(pretty({}, true)).toBe(true);
    expect(pretty({ LOG_PRETTY: '0' }, true)).toBe(false);
  });

  test('when development writes to a pipe or a file, then the log is JSON, unless LOG_PRETTY=1', () => {
    expect(pretty({}, false)).toBe(false);
    expect(pretty({ LOG_PRETTY: '1' }, false)).toBe(true);
  });

  test('when production or a test runs, then the log is JSON whatever LOG_PRETTY and the terminal say', () => {
    expect(pretty({ NODE_ENV: 'production', LOG_PRETTY: '1', ...productionSecrets }, true)).toBe(false);
    expect(pretty({ NODE_ENV: 'test', LOG_PRETTY: '1' }, true)).toBe(false);
  });
});
