import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type FieldError, isDns1123Label } from '@cutover/domain';
import { DeploymentEventRepository, DeploymentRepository, type EventFilter, parsePosition } from '@cutover/persistence';
import type { EventStreamQuery } from './dto/event-stream.dto';
import type { StreamOptions } from './event-stream.service';

const MAX_LIST = 50;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;

/** Where a stream resumes: the Last-Event-ID header (a browser's reconnect) wins over `?after=`. */
export function resumePosition(lastEventId: string | undefined, after: string | undefined): bigint {
  if (lastEventId !== undefined && lastEventId !== '') {
    const position = parsePosition(lastEventId.trim());
    if (position === null) {
      throw new DomainError('BAD_REQUEST', 'The Last-Event-ID header must be the id of an event you received (a non-negative integer).', [
        { path: 'Last-Event-ID', rule: 'position', message: 'Last-Event-ID must be a non-negative integer' },
      ]);
    }
    return position;
  }
  if (after === undefined) return 0n;
  const position = parsePosition(after);
  if (position === null) throw DomainError.validation([{ path: 'after', rule: 'position', message: 'after must be a non-negative integer' }]);
  return position;
}

function list(value: string | undefined, path: string, valid: (item: string) => boolean, rule: string, errors: FieldError[]): string[] | undefined {
  if (value === undefined) return undefined;
  const items = [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
  if (items.length > MAX_LIST) errors.push({ path, rule: 'maxItems', message: `${path} may name at most ${MAX_LIST} values` });
  items.forEach((item, i) => {
    if (!valid(item)) errors.push({ path: `${path}[${i}]`, rule, message: `"${item.slice(0, 80)}" is not a valid ${rule === 'dns1123-label' ? 'name (DNS-1123 label)' : 'event type'}` });
  });
  return items;
}

/** What a live-event request asks for, checked: the filter and where to start. Streams are then opened by EventStreams. */
@Injectable()
export class EventsService {
  constructor(
    @Inject(DeploymentRepository) private readonly deployments: DeploymentRepository,
    @Inject(DeploymentEventRepository) private readonly events: DeploymentEventRepository,
  ) {}

  /** Where a stream that asked for no history starts: after everything settled now. */
  async latestPosition(): Promise<bigint> {
    return BigInt(await this.events.latestPosition());
  }

  /** `GET /v1/deployments/:id/events`: 404 for an unknown deployment; the stream ends with the deployment. */
  async deploymentStream(id: string, after: bigint): Promise<StreamOptions> {
    const deployment = await this.deployments.findById(id);
    if (!deployment) throw DomainError.notFound('Deployment', id);
    return { filter: { deploymentId: deployment.id }, after, endsWithDeployment: true };
  }

  /** `GET /v1/events?app=&environment=&cluster=&types=`: every deployment's events matching the filters. */
  feedStream(query: Pick<EventStreamQuery, 'app' | 'environment' | 'cluster' | 'types'>, after: bigint): StreamOptions {
    const errors: FieldError[] = [];
    const filter: EventFilter = {
      apps: list(query.app, 'app', isDns1123Label, 'dns1123-label', errors),
      environments: list(query.environment, 'environment', isDns1123Label, 'dns1123-label', errors),
      clusters: list(query.cluster, 'cluster', isDns1123Label, 'dns1123-label', errors),
      types: list(query.types, 'types', (t) => EVENT_TYPE.test(t), 'event-type', errors),
    };
    if (errors.length > 0) throw DomainError.validation(errors, 'Invalid event filter.');
    return { filter, after };
  }
}
