// Live timeline fan-out (docs/adr/0007-commit-ordered-events.md). After a transaction that wrote deployment events
// commits, its writer publishes a nudge on one Redis channel per installation; every api replica (and any other
// reader) then reads the new events from Postgres with DeploymentEventRepository.readAfter. The nudge carries no
// event: Postgres is the truth, a lost or late nudge only delays a reader until the next one (or its fallback read).
import type Redis from 'ioredis';

export function eventsCommittedChannel(prefix: string): string {
  return `${prefix}:events-committed`;
}

export interface EventsCommitted {
  /** Deployments whose timeline grew. */
  deploymentIds: string[];
  /** The largest position written (decimal string): a reader already past it can skip the read. */
  position: string | null;
}

export async function publishEventsCommitted(redis: Redis, prefix: string, nudge: EventsCommitted): Promise<void> {
  await redis.publish(eventsCommittedChannel(prefix), JSON.stringify(nudge));
}

/** A nudge from the channel, or null for anything else (a reader treats null as "read anyway"). */
export function parseEventsCommitted(message: string): EventsCommitted | null {
  try {
    const value = JSON.parse(message) as Partial<EventsCommitted>;
    if (!Array.isArray(value.deploymentIds) || !value.deploymentIds.every((id) => typeof id === 'string')) return null;
    const position = typeof value.position === 'string' && /^\d{1,19}$/.test(value.position) ? value.position : null;
    return { deploymentIds: value.deploymentIds, position };
  } catch {
    return null;
  }
}
