import { z } from 'zod';
import { ConfigError, ConfigIssue } from './config.errors';

export type ProcessKind = 'api' | 'worker';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

interface CommonConfig {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  redisUrl: string;
  /** AES-256-GCM key for stored cluster credentials (32 bytes). */
  secretKey: Buffer;
  logLevel: LogLevel;
  /** BullMQ / Redis key prefix, so several installations (or test runs) can share one Redis. */
  queuePrefix: string;
  /** Pool size of the Prisma (pg) connection pool per process. */
  databasePoolSize: number;
  /** AUDIT_SEAL_INTERVAL_MS: how often this process tries to seal the audit chain (docs/adr/0014); 0 = never. */
  auditSealIntervalMs: number;
  /** Where people reach Cutover (CUTOVER_PUBLIC_URL, no trailing slash): links in notifications and chat; null = no links. */
  publicUrl: string | null;
  notifications: NotificationSettings;
  /** METRICS_PORT: an unauthenticated listener for Prometheus scrapers (`GET /metrics`); null = none. */
  metricsPort: number | null;
  /** METRICS_HOST: where that listener binds (default 0.0.0.0: the pod network). */
  metricsHost: string;
}

/** Delivery of webhook / Slack notifications (docs/notifications.md). */
export interface NotificationSettings {
  /** Attempts per delivery, the first one included. */
  attempts: number;
  /** Back-off before the second attempt; it doubles each time, with jitter. */
  backoffMs: number;
  /** A receiver that has not answered by then has failed that attempt. */
  timeoutMs: number;
  /** Deliveries in a row that ran out of attempts before the channel is disabled. */
  disableAfter: number;
  /** Deliveries in flight at once in one worker process. */
  concurrency: number;
  /** Of those, at most this many to one channel: a stuck receiver holds no more slots than this (≤ concurrency). */
  perChannel: number;
}

export interface ApiConfig extends CommonConfig {
  kind: 'api';
  host: string;
  port: number;
  /** Admin token accepted until real tokens exist; null when not configured. */
  bootstrapToken: string | null;
  /** Slack's signing secret (CUTOVER_SLACK_SIGNING_SECRET); null = chatops off (its routes answer 404). */
  slackSigningSecret: string | null;
  /** Slow clients: headers must arrive within `headersMs`, the whole request (headers and body) within `requestMs`. */
  httpTimeouts: { headersMs: number; requestMs: number };
  /** QUEUE_BOARD_WRITE: the queue board at /admin/queues may retry, clean and remove jobs (read-only by default). */
  queueBoardWrite: boolean;
  /** Failed authentications per client address and window before further attempts get 429 for the rest of it. */
  authFailureLimit: { limit: number; windowMs: number };
  /** The built dashboard served at /ui (CUTOVER_DASHBOARD_DIR; default dist/dashboard under the working directory). */
  dashboardDir: string;
  /** The level of the one access-log line per request (ACCESS_LOG_LEVEL): `debug` keeps a dev console quiet. */
  accessLogLevel: 'info' | 'debug';
}

export interface WorkerConfig extends CommonConfig {
  kind: 'worker';
  /** Deployments ticked in parallel by one worker process. */
  concurrency: number;
  /** The safety-net reconciler's period. */
  reconcileIntervalMs: number;
  /**
   * A deployment idle by its own decision (held with no timer, no pending command, no unfinished effect) is skipped
   * by the reconciler's passes until it has not been looked at for this long (RECONCILE_IDLE_RECHECK_MS, 10 min).
   */
  reconcileIdleRecheckMs: number;
  /** Client-side rate limit per cluster (KUBE_QPS / KUBE_BURST; client-go's defaults are far lower). */
  kubeRateLimit: { qps: number; burst: number };
  /**
   * How long a deployment may fail to reach its cluster (unreachable, TLS, 401/403, an API missing) before it ends:
   * failed when it touched nothing, paused when it did (CLUSTER_UNREACHABLE_TIMEOUT_MS, default 5 min).
   */
  clusterUnreachableTimeoutMs: number;
  /**
   * A tick whose only change is the observed status is committed at most this often per deployment (ms;
   * STATUS_COMMIT_INTERVAL, default 1 s; 0 commits every change). Decisions are committed at once (docs/adr/0015).
   */
  statusCommitIntervalMs: number;
}

export type CutoverConfig = ApiConfig | WorkerConfig;
export type ConfigFor<K extends ProcessKind> = K extends 'api' ? ApiConfig : WorkerConfig;

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/cutover';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** 32 bytes as 64 hex characters or as base64 (standard or url-safe); undefined when it is neither. */
export function parseSecretKey(raw: string): Buffer | undefined {
  const text = raw.trim();
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

const url = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL, e.g. ${example}`);

const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`)
    .optional()
    .transform((n) => n ?? fallback);

/** A duration: milliseconds (`250`, `250ms`) or seconds (`1s`, `1.5s`), from min to max ms. */
const duration = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?(ms|s)?$/, `must be a duration from ${min} ms to ${max / 1000} s: milliseconds (250, 250ms) or seconds (1s)`)
    .transform((value) => Math.round(value.endsWith('ms') ? Number(value.slice(0, -2)) : value.endsWith('s') ? Number(value.slice(0, -1)) * 1000 : Number(value)))
    .refine((n) => n >= min && n <= max, `must be a duration from ${min} ms to ${max / 1000} s: milliseconds (250, 250ms) or seconds (1s)`)
    .optional()
    .transform((n) => n ?? fallback);

const common = {
  NODE_ENV: z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }).default('development'),
  DATABASE_URL: url(['postgresql:', 'postgres:'], DEFAULT_DATABASE_URL).default(DEFAULT_DATABASE_URL),
  REDIS_URL: url(['redis:', 'rediss:'], DEFAULT_REDIS_URL).default(DEFAULT_REDIS_URL),
  CUTOVER_SECRET_KEY: z
    .string({ error: 'is required: 32 random bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)' })
    .refine((value) => parseSecretKey(value) !== undefined, 'must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)')
    .transform((value) => parseSecretKey(value)!),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
    .default('info'),
  CUTOVER_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
    .default('cutover'),
  DATABASE_POOL_SIZE: int(1, 200, 10),
  AUDIT_SEAL_INTERVAL_MS: int(0, 60_000, 100),
  CUTOVER_PUBLIC_URL: url(['https:', 'http:'], 'https://cutover.example.com').optional(),
  CUTOVER_NOTIFY_ATTEMPTS: int(1, 50, 6),
  CUTOVER_NOTIFY_BACKOFF_MS: int(1, 3_600_000, 2_000),
  CUTOVER_NOTIFY_TIMEOUT_MS: int(100, 120_000, 5_000),
  CUTOVER_NOTIFY_DISABLE_AFTER: int(1, 1_000, 5),
  CUTOVER_NOTIFY_CONCURRENCY: int(1, 1_000, 32),
  CUTOVER_NOTIFY_PER_CHANNEL: int(1, 1_000, 8),
  METRICS_PORT: int(0, 65_535, -1),
  METRICS_HOST: z.string().trim().min(1, 'must be a host name or address, e.g. 0.0.0.0').default('0.0.0.0'),
};

const apiSchema = z.object({
  ...common,
  HOST: z.string().trim().min(1, 'must be a host name or address, e.g. 0.0.0.0').default('0.0.0.0'),
  PORT: int(1, 65_535, 3000),
  CUTOVER_BOOTSTRAP_TOKEN: z.string().min(20, 'must be at least 20 characters when set').optional(),
  CUTOVER_SLACK_SIGNING_SECRET: z.string().min(8, 'must be the Signing Secret from your Slack app\'s Basic Information page').optional(),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000, 10_000),
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000, 30_000),
  AUTH_FAILURE_LIMIT: int(1, 1_000_000, 20),
  AUTH_FAILURE_WINDOW_MS: int(1_000, 86_400_000, 60_000),
  CUTOVER_DASHBOARD_DIR: z.string().trim().min(1).default('dist/dashboard'),
  QUEUE_BOARD_WRITE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  ACCESS_LOG_LEVEL: z.enum(['info', 'debug'], { error: 'must be info or debug' }).default('info'),
});

const workerSchema = z.object({
  ...common,
  WORKER_CONCURRENCY: int(1, 1_000, 20),
  RECONCILE_INTERVAL_MS: int(1_000, 3_600_000, 30_000),
  RECONCILE_IDLE_RECHECK_MS: int(1_000, 86_400_000, 600_000),
  KUBE_QPS: int(1, 100_000, 50),
  KUBE_BURST: int(1, 100_000, 100),
  CLUSTER_UNREACHABLE_TIMEOUT_MS: int(1_000, 86_400_000, 300_000),
  STATUS_COMMIT_INTERVAL: duration(0, 60_000, 1_000),
});

/**
 * Validates the environment once at boot. A missing or malformed variable throws a ConfigError naming every
 * offending variable and what it must look like; the apps print it and exit 1.
 */
export function loadConfig<K extends ProcessKind>(env: NodeJS.ProcessEnv, kind: K): ConfigFor<K>;
export function loadConfig(env: NodeJS.ProcessEnv = process.env, kind: ProcessKind): CutoverConfig {
  // An empty variable is treated as unset, as shells and .env files commonly leave them.
  const input = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  if (kind === 'api') {
    const parsed = apiSchema.safeParse(input);
    if (!parsed.success) throw new ConfigError(kind, toIssues(parsed.error));
    const v = parsed.data;
    return {
      kind,
      ...commonConfig(v),
      host: v.HOST,
      port: v.PORT,
      bootstrapToken: v.CUTOVER_BOOTSTRAP_TOKEN ?? null,
      slackSigningSecret: v.CUTOVER_SLACK_SIGNING_SECRET ?? null,
      // A headers timeout longer than the whole-request one would never fire.
      httpTimeouts: { headersMs: Math.min(v.HTTP_HEADERS_TIMEOUT_MS, v.HTTP_REQUEST_TIMEOUT_MS), requestMs: v.HTTP_REQUEST_TIMEOUT_MS },
      authFailureLimit: { limit: v.AUTH_FAILURE_LIMIT, windowMs: v.AUTH_FAILURE_WINDOW_MS },
      dashboardDir: v.CUTOVER_DASHBOARD_DIR,
      queueBoardWrite: v.QUEUE_BOARD_WRITE === 'true',
      accessLogLevel: v.ACCESS_LOG_LEVEL,
    };
  }
  const parsed = workerSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(kind, toIssues(parsed.error));
  const v = parsed.data;
  return { kind, ...commonConfig(v), concurrency: v.WORKER_CONCURRENCY, reconcileIntervalMs: v.RECONCILE_INTERVAL_MS, reconcileIdleRecheckMs: v.RECONCILE_IDLE_RECHECK_MS, kubeRateLimit: { qps: v.KUBE_QPS, burst: v.KUBE_BURST }, clusterUnreachableTimeoutMs: v.CLUSTER_UNREACHABLE_TIMEOUT_MS, statusCommitIntervalMs: v.STATUS_COMMIT_INTERVAL };
}

function commonConfig(v: z.output<z.ZodObject<typeof common>>): CommonConfig {
  return {
    nodeEnv: v.NODE_ENV,
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    secretKey: v.CUTOVER_SECRET_KEY,
    logLevel: v.LOG_LEVEL,
    queuePrefix: v.CUTOVER_QUEUE_PREFIX,
    databasePoolSize: v.DATABASE_POOL_SIZE,
    auditSealIntervalMs: v.AUDIT_SEAL_INTERVAL_MS,
    publicUrl: v.CUTOVER_PUBLIC_URL ? v.CUTOVER_PUBLIC_URL.replace(/\/+$/, '') : null,
    metricsPort: v.METRICS_PORT < 0 ? null : v.METRICS_PORT,
    metricsHost: v.METRICS_HOST,
    notifications: {
      attempts: v.CUTOVER_NOTIFY_ATTEMPTS,
      backoffMs: v.CUTOVER_NOTIFY_BACKOFF_MS,
      timeoutMs: v.CUTOVER_NOTIFY_TIMEOUT_MS,
      disableAfter: v.CUTOVER_NOTIFY_DISABLE_AFTER,
      concurrency: v.CUTOVER_NOTIFY_CONCURRENCY,
      perChannel: Math.min(v.CUTOVER_NOTIFY_PER_CHANNEL, v.CUTOVER_NOTIFY_CONCURRENCY),
    },
  };
}

function toIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message }));
}
