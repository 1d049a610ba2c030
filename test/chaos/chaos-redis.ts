// Reads of the private Redis the suite needs: BullMQ's event stream (when each job became active / completed).
import Redis from 'ioredis';
import type { ProductEnv } from './chaos-stack';

export interface QueueEvent {
  event: string;
  jobId: string;
  /** ms since the epoch (the stream entry's id). */
  at: number;
}

/** Every event of the deployments queue since `sinceMs`, oldest first. */
export async function queueEventsSince(env: ProductEnv, sinceMs: number): Promise<QueueEvent[]> {
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 3 });
  try {
    const entries = await redis.xrange(`${env.prefix}:deployments:events`, `${sinceMs}-0`, '+');
    return entries.map(([id, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return { event: f.event ?? '', jobId: f.jobId ?? '', at: Number(id.split('-')[0]) };
    });
  } finally {
    redis.disconnect();
  }
}
