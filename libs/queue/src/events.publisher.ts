// Live timeline fan-out: one Redis pub/sub channel per deployment. Best effort: Postgres holds every event (with
// its growing seq), so a subscriber that missed a message re-reads from its last seq.
import type Redis from 'ioredis';

export function deploymentEventsChannel(prefix: string, deploymentId: string): string {
  return `${prefix}:deployment-events:${deploymentId}`;
}

export interface PublishedEvent {
  seq: string;
  type: string;
  message: string;
  actor: string | null;
  at: string;
}

export async function publishDeploymentEvents(redis: Redis, prefix: string, deploymentId: string, events: readonly PublishedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await redis.publish(deploymentEventsChannel(prefix, deploymentId), JSON.stringify({ deploymentId, events }));
}
