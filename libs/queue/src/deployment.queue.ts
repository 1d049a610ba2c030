// The producer every process uses to wake a deployment. Single flight: the job id IS the deployment id, so a
// deployment has at most one waiting/delayed/active job. A wake that arrives while that job runs is remembered in a
// small Redis key and honoured when the job completes (see DeploymentQueue.afterJob and docs/adr/0005).
import { Queue, type JobsOptions } from 'bullmq';
import Redis from 'ioredis';
import { DEPLOYMENTS_QUEUE, JOB_NAMES, type JobOf } from './jobs.types';

export interface QueueConnectionOptions {
  redisUrl: string;
  /** BullMQ prefix (CUTOVER_QUEUE_PREFIX): one per installation or test run. */
  prefix: string;
}

/** Keep the "wake me" memo a while after it is due, so a crashed worker's memo still counts when the reconciler looks. */
const MEMO_GRACE_MS = 120_000;

// Keeps the earliest wake time: a later timer must never postpone an earlier wake.
const SET_MIN_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or tonumber(ARGV[1]) < tonumber(cur) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`;

export type WakeSource = 'command' | 'watch' | 'timer' | 'reconciler' | 'create';

export interface WakeOptions {
  /** Tick no earlier than this many ms from now (0 = as soon as possible). */
  delayMs?: number;
}

export class DeploymentQueue {
  readonly queue: Queue<JobOf<'deployment.tick'>['data'], unknown, string>;
  readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: QueueConnectionOptions) {
    this.prefix = options.prefix;
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.queue = new Queue(DEPLOYMENTS_QUEUE, { connection: this.redis, prefix: options.prefix });
  }

  /** BullMQ connection settings for a Worker on the same queue. */
  get queuePrefix(): string {
    return this.prefix;
  }

  private memoKey(deploymentId: string): string {
    return `${this.prefix}:${DEPLOYMENTS_QUEUE}:wake:${deploymentId}`;
  }

  /**
   * Ask for a tick of the deployment. Safe to call any number of times from anywhere (api, watches, timers):
   * it never creates a second job, and an earlier wake always wins over a later one.
   */
  async wake(deploymentId: string, options: WakeOptions = {}): Promise<void> {
    const delay = Math.max(0, Math.round(options.delayMs ?? 0));
    const at = Date.now() + delay;
    await this.remember(deploymentId, at);
    await this.enqueue(deploymentId, delay);
  }

  /**
   * New deployments, all at once (a wave's start): one pipeline for the memos and one bulk add. Only for ids that
   * have no job yet (just created): an existing job is left as it is.
   */
  async wakeNew(deploymentIds: readonly string[]): Promise<void> {
    if (deploymentIds.length === 0) return;
    const at = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of deploymentIds) pipeline.eval(SET_MIN_SCRIPT, 1, this.memoKey(id), String(at), String(MEMO_GRACE_MS));
    await pipeline.exec();
    await this.queue.addBulk(
      deploymentIds.map((deploymentId) => ({
        name: JOB_NAMES.deploymentTick,
        data: { deploymentId },
        opts: { jobId: deploymentId, removeOnComplete: true, removeOnFail: true, attempts: 1 },
      })),
    );
  }

  /** Record that the deployment wants a tick at `at` (ms), without enqueuing: honoured by afterJob. */
  async remember(deploymentId: string, at: number): Promise<void> {
    const ttl = Math.max(0, at - Date.now()) + MEMO_GRACE_MS;
    await this.redis.eval(SET_MIN_SCRIPT, 1, this.memoKey(deploymentId), String(at), String(ttl));
  }

  /** The processor calls this as a job starts: the tick about to run satisfies every wake asked for until now. */
  async clearMemo(deploymentId: string): Promise<void> {
    await this.redis.del(this.memoKey(deploymentId));
  }

  /** After a job ended (its id is free again): turn a remembered wake into the next job. */
  async afterJob(deploymentId: string): Promise<void> {
    const raw = await this.redis.getdel(this.memoKey(deploymentId));
    if (raw === null) return;
    await this.enqueue(deploymentId, Math.max(0, Number(raw) - Date.now()));
  }

  /** True when the deployment has a job waiting, delayed or running. */
  async hasJob(deploymentId: string): Promise<boolean> {
    const state = await this.queue.getJobState(deploymentId);
    return state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized' || state === 'waiting-children';
  }

  /**
   * Of these deployments, the ones the safety net must wake: no job at all, or a job delayed past `horizon` (ms).
   * A far-delayed job (a progress deadline 10 minutes out) is how a deployment sat unobserved after a worker crash:
   * the watch events that should have woken it happened while no worker ran. Two O(1) reads per deployment in one
   * pipeline (the job's hash, its score in the delayed set), so 10,000 deployments cost one round trip.
   */
  async needingWake(deploymentIds: readonly string[], horizon: number): Promise<string[]> {
    if (deploymentIds.length === 0) return [];
    const base = `${this.prefix}:${DEPLOYMENTS_QUEUE}`;
    const pipeline = this.redis.pipeline();
    for (const id of deploymentIds) {
      pipeline.exists(`${base}:${id}`);
      pipeline.zscore(`${base}:delayed`, id);
    }
    const replies = (await pipeline.exec()) ?? [];
    const due: string[] = [];
    deploymentIds.forEach((id, i) => {
      const [existsError, exists] = replies[2 * i] ?? [null, 0];
      const [scoreError, score] = replies[2 * i + 1] ?? [null, null];
      if (existsError || scoreError || Number(exists) === 0) return void due.push(id);
      // BullMQ scores a delayed job as dueAt * 0x1000 + a counter (getDelayedScore.lua).
      if (score !== null && Math.floor(Number(score) / 0x1000) > horizon) due.push(id);
    });
    return due;
  }

  /**
   * Frees the running jobs of workers that are gone: a job whose `processedBy` names a worker with no connection to
   * Redis left (a SIGKILLed process's sockets are closed by its kernel at once) loses its lock, so the next stalled
   * check hands it to a live worker within a second or two, instead of waiting for the lock to expire. At most one
   * sweep per `everyMs` for the whole queue. When client names cannot be listed (a Redis without CLIENT LIST, where
   * even `selfName` is missing), nothing is freed: the lock's expiry still recovers the job.
   */
  async freeJobsOfDeadWorkers(selfName: string, everyMs: number): Promise<string[]> {
    const base = `${this.prefix}:${DEPLOYMENTS_QUEUE}`;
    if ((await this.redis.set(`${base}:dead-worker-sweep`, selfName, 'PX', everyMs, 'NX')) === null) return [];
    const active = await this.redis.lrange(`${base}:active`, 0, -1);
    if (active.length === 0) return [];
    const workers = (await this.queue.getWorkers()) as Array<{ rawname?: string }>;
    const live = new Set(workers.map((w) => w.rawname ?? '').filter((n) => n.includes(':w:')).map((n) => n.slice(n.indexOf(':w:') + 3)));
    if (!live.has(selfName)) return [];
    const pipeline = this.redis.pipeline();
    for (const id of active) pipeline.hget(`${base}:${id}`, 'pb');
    const owners = (await pipeline.exec()) ?? [];
    const dead = active.filter((_, i) => {
      const [error, owner] = owners[i] ?? [null, null];
      return !error && typeof owner === 'string' && owner !== '' && !live.has(owner);
    });
    if (dead.length > 0) await this.redis.del(...dead.map((id) => `${base}:${id}:lock`));
    return dead;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }

  private async enqueue(deploymentId: string, delay: number): Promise<void> {
    const opts: JobsOptions = { jobId: deploymentId, delay, removeOnComplete: true, removeOnFail: true, attempts: 1 };
    await this.queue.add(JOB_NAMES.deploymentTick, { deploymentId }, opts);
    // add() answers with what it was given even when the id was taken, so read the stored job: a later delayed job
    // is brought forward (a watch event or a command must not wait for a pause timer).
    const job = await this.queue.getJob(deploymentId);
    if (!job) return;
    const wantedAt = Date.now() + delay;
    if (job.timestamp + (job.delay ?? 0) <= wantedAt + 5) return;
    try {
      const state = await job.getState();
      if (state !== 'delayed') return;
      if (delay === 0) await job.promote();
      else await job.changeDelay(delay);
    } catch {
      // The job moved on (started or finished) meanwhile: the memo written by wake() covers it.
    }
  }
}
