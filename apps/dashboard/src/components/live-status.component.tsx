import type { LiveState } from '../live.client';

const TEXT: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting… (the view may be behind)',
  ended: 'Finished: no more updates',
};

/** Announced politely to screen readers; a symbol and a word, not only a colour. */
export function LiveStatus({ state }: { state: LiveState }) {
  return (
    <span className={`live live-${state}`} role="status" aria-live="polite" data-live={state}>
      <span aria-hidden="true">{state === 'live' ? '● ' : state === 'reconnecting' ? '◌ ' : '○ '}</span>
      {TEXT[state]}
    </span>
  );
}
