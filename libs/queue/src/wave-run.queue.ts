// The producer that wakes a wave run (docs/adr/0013). Single flight like a deployment's: the job id IS the run id,
// so a run has at most one waiting/delayed/active job; a wake that arrives while that job runs is remembered in a
// small Redis key (earliest time wins) and honoured when the job ends. Bake timers are delayed jobs.
import { Queue, type JobsOptions } from 'bullmq';
import Redis from 'ioredis';
import { JOB_NAMES, WAVE_RUNS_QUEUE, type JobOf } from './jobs.types';
import type { QueueConnectionOptions } from './deployment.queue';

const MEMO_GRACE_MS = 120_000;

const SET_MIN_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or tonumber(ARGV[1]) < tonumber(cur) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`;

export class WaveRunQueue {
  readonly queue: Queue<JobOf<'wave-run.tick'>['data'], unknown, string>;
  readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: QueueConnectionOptions) {
    this.prefix = options.prefix;
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.queue = new Queue(WAVE_RUNS_QUEUE, { connection: this.redis, prefix: options.prefix });
  }

  get queuePrefix(): string {
    return this.prefix;
  }

  private memoKey(waveRunId: string): string {
    return `${this.prefix}:${WAVE_RUNS_QUEUE}:wake:${waveRunId}`;
  }

  /** Ask for a tick of the run (now, or no earlier than `delayMs` from now). Never creates a second job. */
  async wake(waveRunId: string, delayMs = 0): Promise<void> {
    const delay = Math.max(0, Math.round(delayMs));
    await this.remember(waveRunId, Date.now() + delay);
    await this.enqueue(waveRunId, delay);
  }

  async remember(waveRunId: string, at: number): Promise<void> {
    const ttl = Math.max(0, at - Date.now()) + MEMO_GRACE_MS;
    await this.redis.eval(SET_MIN_SCRIPT, 1, this.memoKey(waveRunId), String(at), String(ttl));
  }

  async clearMemo(waveRunId: string): Promise<void> {
    await this.redis.del(this.memoKey(waveRunId));
  }

  /** After a job ended: turn a remembered wake into the next job. */
  async afterJob(waveRunId: string): Promise<void> {
    const raw = await this.redis.getdel(this.memoKey(waveRunId));
    if (raw === null) return;
    await this.enqueue(waveRunId, Math.max(0, Number(raw) - Date.now()));
  }

  /** Of these runs, the ones with no job at all (the reconciler's safety net). */
  async withoutJob(waveRunIds: readonly string[]): Promise<string[]> {
    if (waveRunIds.length === 0) return [];
    const base = `${this.prefix}:${WAVE_RUNS_QUEUE}`;
    const pipeline = this.redis.pipeline();
    for (const id of waveRunIds) pipeline.exists(`${base}:${id}`);
    const replies = (await pipeline.exec()) ?? [];
    return waveRunIds.filter((_, i) => {
      const [error, exists] = replies[i] ?? [null, 0];
      return error !== null || Number(exists) === 0;
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }

  private async enqueue(waveRunId: string, delay: number): Promise<void> {
    const opts: JobsOptions = { jobId: waveRunId, delay, removeOnComplete: true, removeOnFail: true, attempts: 1 };
    await this.queue.add(JOB_NAMES.waveRunTick, { waveRunId }, opts);
    const job = await this.queue.getJob(waveRunId);
    if (!job) return;
    if (job.timestamp + (job.delay ?? 0) <= Date.now() + delay + 5) return;
    try {
      if ((await job.getState()) !== 'delayed') return;
      if (delay === 0) await job.promote();
      else await job.changeDelay(delay);
    } catch {
      // The job moved on meanwhile: the memo written by wake() covers it.
    }
  }
}
