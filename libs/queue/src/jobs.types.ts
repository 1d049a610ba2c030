// Every job Cutover queues, as one typed union. Payloads carry ids only: the worker re-reads everything from Postgres.
import { z } from 'zod';

export const DEPLOYMENTS_QUEUE = 'deployments';

export const JOB_NAMES = {
  deploymentTick: 'deployment.tick',
} as const;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

export const jobSchemas = {
  [JOB_NAMES.deploymentTick]: z.object({ deploymentId: uuid }).strict(),
} as const;

export type JobName = keyof typeof jobSchemas;

/** `{ name: 'deployment.tick', data: { deploymentId } }` and, later, one member per job kind. */
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
  return { name: name as JobName, data: parsed.data };
}
