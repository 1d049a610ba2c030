// Every job Cutover queues, as one typed union. Payloads carry ids only: the worker re-reads everything from Postgres.
import { z } from 'zod';

export const DEPLOYMENTS_QUEUE = 'deployments';
/** Webhook and Slack deliveries: a queue of their own, so a slow receiver never waits in line with a tick. */
export const NOTIFICATIONS_QUEUE = 'notifications';
/** Wave runs: one job per run at a time (job id = run id), woken by its deployments' phase changes and bake timers. */
export const WAVE_RUNS_QUEUE = 'wave-runs';

export const JOB_NAMES = {
  deploymentTick: 'deployment.tick',
  notificationDeliver: 'notification.deliver',
  waveRunTick: 'wave-run.tick',
} as const;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

export const jobSchemas = {
  [JOB_NAMES.deploymentTick]: z.object({ deploymentId: uuid }).strict(),
  [JOB_NAMES.notificationDeliver]: z.object({ deliveryId: uuid }).strict(),
  [JOB_NAMES.waveRunTick]: z.object({ waveRunId: uuid }).strict(),
} as const;

export type JobName = keyof typeof jobSchemas;

/** `{ name: 'deployment.tick', data: { deploymentId } }`, `{ name: 'notification.deliver', data: { deliveryId } }`. */
export type JobItem = { [N in JobName]: { name: N; data: z.output<(typeof jobSchemas)[N]> } }[JobName];
export type JobOf<N extends JobName> = Extract<JobItem, { name: N }>;

export class InvalidJobError extends Error {
  constructor(
    readonly jobName: string,
    readonly issues: string,
  ) {
    super(`Invalid job ${jobName}: ${issues}`);
  }
}

/** Validates a dequeued job (name and payload); throws InvalidJobError, which the processor must not retry. */
export function parseJob(name: string, data: unknown): JobItem {
  if (!(name in jobSchemas)) throw new InvalidJobError(name, 'unknown job name');
  const schema = jobSchemas[name as JobName];
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new InvalidJobError(name, parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
  // The schema was picked by this very name, so the pair is one member of the union.
  return { name: name as JobName, data: parsed.data } as JobItem;
}

/** parseJob for a processor that handles one job name: a job of another name is invalid there. */
export function parseJobAs<N extends JobName>(expected: N, name: string, data: unknown): JobOf<N>['data'] {
  if (name !== expected) throw new InvalidJobError(name, `this queue handles ${expected} only`);
  return (parseJob(name, data) as JobOf<N>).data as JobOf<N>['data'];
}
