// Live events over SSE (docs/events.md): a single-use stream ticket per connection (EventSource cannot send
// headers), and on any drop a new ticket and `?after=<last id>` so nothing is missed or repeated. The caller sees
// the connection state, so a dropped stream shows "reconnecting", never stale silence.
import { post } from './api.client';
import type { LiveEvent } from './types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'ended';

export interface LiveOptions {
  /** `/v1/deployments/<id>/events` or `/v1/events?app=…` (without ticket/after). */
  path: string;
  onEvent(event: LiveEvent): void;
  onState(state: LiveState): void;
  /** Whether the stream ended for good after this event (a deployment stream closes after its last event). */
  isLast?(event: LiveEvent): boolean;
  /** Resume after this position on the first connection (e.g. the last event already shown). */
  after?: string;
}

const MAX_BACKOFF_MS = 10_000;

export function openLive(options: LiveOptions): () => void {
  let source: EventSource | null = null;
  let lastId = options.after;
  let closed = false;
  let ended = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    if (closed) return;
    options.onState(attempt === 0 ? 'connecting' : 'reconnecting');
    let ticket: string;
    try {
      ticket = (await post<{ ticket: string }>('/v1/stream-tickets')).ticket;
    } catch {
      return retry();
    }
    if (closed) return;
    const sep = options.path.includes('?') ? '&' : '?';
    const after = lastId !== undefined ? `&after=${encodeURIComponent(lastId)}` : '';
    const es = new EventSource(`${options.path}${sep}ticket=${encodeURIComponent(ticket)}${after}`);
    source = es;
    es.onopen = () => {
      attempt = 0;
      options.onState('live');
    };
    const handle = (e: MessageEvent<string>) => {
      if (e.lastEventId) lastId = e.lastEventId;
      const event = JSON.parse(e.data) as LiveEvent;
      options.onEvent(event);
      if (options.isLast?.(event)) ended = true;
    };
    es.addEventListener('error', () => {
      es.close();
      if (source === es) source = null;
      if (ended) {
        options.onState('ended');
        return;
      }
      retry();
    });
    for (const type of EVENT_TYPES) es.addEventListener(type, handle as EventListener);
  };

  const retry = (): void => {
    if (closed) return;
    attempt += 1;
    options.onState('reconnecting');
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempt - 1, 5));
    timer = setTimeout(() => void connect(), delay);
  };

  void connect();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    source?.close();
  };
}

/** SSE event names are the event types (TimelineEventType in libs/domain, plus Created): a listener per name. */
export const EVENT_TYPES = [
  'Created', 'Started', 'PhaseChanged', 'HookStarted', 'HookSucceeded', 'HookFailed', 'StepStarted', 'StepCompleted',
  'Scaled', 'TrafficShifted', 'ServiceSwitched', 'CheckStarted', 'CheckPassed', 'CheckFailed', 'CheckInconclusive',
  'Downtime', 'FailureDetected', 'RollbackStarted', 'CommandApplied', 'CommandRejected', 'ClusterUnreachable',
  'ClusterReachable', 'Superseded', 'message',
];
