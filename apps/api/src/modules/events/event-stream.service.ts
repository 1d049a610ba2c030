import { Inject, Injectable } from '@nestjs/common';
import { terminalPhases } from '@cutover/domain';
import { DeploymentEventRepository, type EventFilter, type FeedEvent } from '@cutover/persistence';
import { EventHub } from './event-hub.service';

/** Where a stream's events go (an SSE response, a GraphQL subscription). */
export interface StreamSink {
  send(event: FeedEvent): void;
  /** The stream is complete (its deployment ended): the sink finishes the response. */
  end(): void;
}

export interface StreamOptions {
  filter: EventFilter;
  /** Send events after this position (0 = from the beginning). */
  after: bigint;
  /** One deployment's stream: complete after the event that ended it. */
  endsWithDeployment?: boolean;
}

export interface StreamHandle {
  close(): void;
}

const terminal = new Set<string>(terminalPhases);

function matcher(filter: EventFilter): (e: FeedEvent) => boolean {
  const sets = {
    apps: filter.apps?.length ? new Set(filter.apps) : null,
    environments: filter.environments?.length ? new Set(filter.environments) : null,
    clusters: filter.clusters?.length ? new Set(filter.clusters) : null,
    types: filter.types?.length ? new Set(filter.types) : null,
  };
  return (e) =>
    (!filter.deploymentId || e.deploymentId === filter.deploymentId) &&
    (!sets.apps || sets.apps.has(e.app)) &&
    (!sets.environments || sets.environments.has(e.environment)) &&
    (!sets.clusters || sets.clusters.has(e.cluster)) &&
    (!sets.types || sets.types.has(e.type));
}

/**
 * A client's view of the feed: catch up from the table after its position, then follow the hub, with nothing
 * missed or sent twice. The hub is attached first and buffers while the catch-up reads, so anything that settles
 * during the catch-up arrives either in a page or in the buffer; positions at or below the last one sent are
 * dropped.
 */
@Injectable()
export class EventStreams {
  constructor(
    @Inject(DeploymentEventRepository) private readonly events: DeploymentEventRepository,
    @Inject(EventHub) private readonly hub: EventHub,
  ) {}

  async open(options: StreamOptions, sink: StreamSink): Promise<StreamHandle> {
    const matches = matcher(options.filter);
    let last = options.after;
    let lastPhase: string | null = null;
    let live = false;
    let closed = false;
    let buffer: FeedEvent[] = [];
    let detach: () => void = () => undefined;

    const close = () => {
      if (closed) return;
      closed = true;
      buffer = [];
      detach();
    };
    const emit = (e: FeedEvent) => {
      if (closed) return;
      const position = BigInt(e.position);
      if (position <= last) return;
      last = position;
      lastPhase = e.snapshot?.phase ?? lastPhase;
      sink.send(e);
    };
    // One deployment's stream ends once what was sent last left it in a terminal phase (a retry afterwards is a
    // new story; a client that wants it reconnects). Checked per page: a tick's events arrive together.
    const endIfOver = () => {
      if (!closed && options.endsWithDeployment && lastPhase !== null && terminal.has(lastPhase)) {
        close();
        sink.end();
      }
    };
    const listener = (page: readonly FeedEvent[]) => {
      if (closed) return;
      for (const e of page) {
        if (!matches(e)) continue;
        if (live) emit(e);
        else buffer.push(e);
      }
      if (live) endIfOver();
    };

    detach = await this.hub.attach(listener);
    try {
      for (;;) {
        const page = await this.events.readAfter(last, options.filter);
        if (closed) break;
        for (const e of page.events) emit(e);
        if (page.complete) break;
      }
    } catch (error) {
      close();
      throw error;
    }
    const held = buffer;
    buffer = [];
    live = true;
    for (const e of held) emit(e);
    endIfOver();
    if (!closed && options.endsWithDeployment && options.filter.deploymentId && lastPhase === null) {
      // Resumed past everything: the deployment may already be over, with nothing left to send.
      const tail = await this.events.tailOf(options.filter.deploymentId);
      if (tail && terminal.has(tail.phase) && (tail.lastPosition === null || BigInt(tail.lastPosition) <= last)) {
        close();
        sink.end();
      }
    }
    return { close };
  }
}
