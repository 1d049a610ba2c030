import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.errors';
import { loadConfig, parseSecretKey } from './config.schema';

const key = randomBytes(32);
const base = { CUTOVER_SECRET_KEY: key.toString('hex') };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills defaults for the api', () => {
    const config = loadConfig(base, 'api');
    expect(config).toMatchObject({
      kind: 'api',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/cutover',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      bootstrapToken: null,
      queuePrefix: 'cutover',
      nodeEnv: 'development',
      databasePoolSize: 10,
      auditSealIntervalMs: 100,
      httpTimeouts: { headersMs: 10_000, requestMs: 30_000 },
      authFailureLimit: { limit: 20, windowMs: 60_000 },
    });
    expect(config.secretKey.equals(key)).toBe(true);
  });

  it('keeps the headers timeout within the whole-request timeout', () => {
    const config = loadConfig({ ...base, HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '5000', AUTH_FAILURE_LIMIT: '3' }, 'api');
    expect(config).toMatchObject({ httpTimeouts: { headersMs: 5_000, requestMs: 5_000 }, authFailureLimit: { limit: 3, windowMs: 60_000 } });
  });

  it('reads every api variable', () => {
    const config = loadConfig(
      {
        ...base,
        DATABASE_URL: 'postgres://u:p@db:5433/x',
        REDIS_URL: 'rediss://cache:6380',
        PORT: '8080',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
        CUTOVER_BOOTSTRAP_TOKEN: 'a-bootstrap-token-of-20+',
        CUTOVER_QUEUE_PREFIX: 'run_1',
        NODE_ENV: 'production',
        DATABASE_POOL_SIZE: '25',
      },
      'api',
    );
    expect(config).toMatchObject({ databaseUrl: 'postgres://u:p@db:5433/x', redisUrl: 'rediss://cache:6380', port: 8080, host: '127.0.0.1' });
    expect(config).toMatchObject({ logLevel: 'debug', bootstrapToken: 'a-bootstrap-token-of-20+', queuePrefix: 'run_1', nodeEnv: 'production', databasePoolSize: 25 });
  });

  it('reads the worker variables and ignores the api ones', () => {
    const config = loadConfig({ ...base, WORKER_CONCURRENCY: '4', RECONCILE_INTERVAL_MS: '5000', CLUSTER_UNREACHABLE_TIMEOUT_MS: '3000', PORT: 'not checked' }, 'worker');
    expect(config).toMatchObject({ kind: 'worker', concurrency: 4, reconcileIntervalMs: 5000, clusterUnreachableTimeoutMs: 3000 });
    expect(loadConfig(base, 'worker').clusterUnreachableTimeoutMs).toBe(300_000);
    expect(loadConfig(base, 'worker')).toMatchObject({ reconcileIdleRecheckMs: 600_000 });
    expect(loadConfig({ ...base, RECONCILE_IDLE_RECHECK_MS: '60000' }, 'worker')).toMatchObject({ reconcileIdleRecheckMs: 60_000 });
    expect(() => loadConfig({ ...base, RECONCILE_IDLE_RECHECK_MS: '10' }, 'worker')).toThrow();
    expect('port' in config).toBe(false);
  });

  it('reads STATUS_COMMIT_INTERVAL as milliseconds or seconds (1 s by default, 0 to commit every status change)', () => {
    expect(loadConfig(base, 'worker').statusCommitIntervalMs).toBe(1_000);
    expect(['250', '250ms', '2s', '1.5s', '0'].map((v) => loadConfig({ ...base, STATUS_COMMIT_INTERVAL: v }, 'worker').statusCommitIntervalMs)).toEqual([250, 250, 2_000, 1_500, 0]);
    expect(errorOf(() => loadConfig({ ...base, STATUS_COMMIT_INTERVAL: '5m' }, 'worker')).message).toMatch(/STATUS_COMMIT_INTERVAL must be a duration from 0 ms to 60 s/);
    expect(errorOf(() => loadConfig({ ...base, STATUS_COMMIT_INTERVAL: '90s' }, 'worker')).message).toMatch(/STATUS_COMMIT_INTERVAL must be a duration/);
  });

  it('takes the per-cluster Kubernetes rate limit from KUBE_QPS / KUBE_BURST (50 / 100 by default)', () => {
    expect(loadConfig(base, 'worker').kubeRateLimit).toEqual({ qps: 50, burst: 100 });
    expect(loadConfig({ ...base, KUBE_QPS: '500', KUBE_BURST: '1000' }, 'worker').kubeRateLimit).toEqual({ qps: 500, burst: 1000 });
    expect(errorOf(() => loadConfig({ ...base, KUBE_QPS: '0' }, 'worker')).message).toMatch(/KUBE_QPS must be a whole number from 1/);
  });

  it('names a missing secret key and says what it must look like', () => {
    const error = errorOf(() => loadConfig({}, 'worker'));
    expect(error.issues.map((issue) => issue.variable)).toEqual(['CUTOVER_SECRET_KEY']);
    expect(error.message).toMatch(/CUTOVER_SECRET_KEY is required: 32 random bytes as 64 hex characters or base64/);
  });

  it.each([
    ['CUTOVER_SECRET_KEY', 'abc', /64 hex characters or base64/],
    ['CUTOVER_SECRET_KEY', randomBytes(16).toString('base64'), /32 bytes/],
    ['DATABASE_URL', 'mysql://localhost/x', /postgresql:\/\/ or postgres:\/\/ URL/],
    ['DATABASE_URL', 'not a url', /postgresql:\/\//],
    ['REDIS_URL', 'http://localhost', /redis:\/\/ or rediss:\/\/ URL/],
    ['PORT', '70000', /whole number from 1 to 65535/],
    ['PORT', '80a', /whole number/],
    ['LOG_LEVEL', 'loud', /one of fatal, error/],
    ['CUTOVER_BOOTSTRAP_TOKEN', 'short', /at least 20 characters/],
    ['CUTOVER_QUEUE_PREFIX', 'has space', /letters, digits/],
    ['NODE_ENV', 'staging', /development, test or production/],
  ])('rejects %s=%s', (variable, value, message) => {
    const error = errorOf(() => loadConfig({ ...base, [variable]: value }, 'api'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.variable).toBe(variable);
    expect(error.message).toContain(`- ${variable} `);
    expect(error.message).toMatch(message);
  });

  it('lists every problem at once', () => {
    const error = errorOf(() => loadConfig({ PORT: '0', REDIS_URL: 'x' }, 'api'));
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual(['CUTOVER_SECRET_KEY', 'PORT', 'REDIS_URL']);
    expect(error.message.split('\n')).toHaveLength(4);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...base, PORT: '', CUTOVER_BOOTSTRAP_TOKEN: '' }, 'api')).toMatchObject({ port: 3000, bootstrapToken: null });
  });
});

describe('parseSecretKey', () => {
  it('accepts 32 bytes as hex, base64 and base64url', () => {
    const bytes = randomBytes(32);
    for (const text of [bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')]) {
      expect(parseSecretKey(text)?.equals(bytes)).toBe(true);
    }
  });

  it('rejects other lengths and junk', () => {
    expect(parseSecretKey(randomBytes(31).toString('hex'))).toBeUndefined();
    expect(parseSecretKey(randomBytes(33).toString('base64'))).toBeUndefined();
    expect(parseSecretKey('!'.repeat(44))).toBeUndefined();
  });
});
