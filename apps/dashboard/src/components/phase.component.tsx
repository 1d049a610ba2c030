import type { Attention } from '../types';

/** A phase as a word and a symbol: colour is never the only signal. */
const SYMBOL: Record<string, string> = {
  Pending: '○',
  Progressing: '◐',
  Paused: '‖',
  Succeeded: '✔',
  Failed: '✖',
  RollingBack: '↶',
  RolledBack: '↶',
  Aborted: '■',
  Superseded: '⤼',
};

export function Phase({ phase, reason }: { phase: string | null; reason?: string | null }) {
  if (!phase) return <span className="phase phase-none">never deployed</span>;
  return (
    <span className={`phase phase-${phase.toLowerCase()}`}>
      <span aria-hidden="true">{SYMBOL[phase] ?? '•'} </span>
      {phase}
      {reason ? <span className="phase-reason"> ({reason})</span> : null}
    </span>
  );
}

const ATTENTION_TEXT: Record<Attention, string> = {
  'awaiting-promotion': 'Awaiting promotion',
  'inconclusive-analysis': 'Inconclusive analysis',
  paused: 'Paused by a person',
  'cluster-unreachable': 'Cluster unreachable',
  failed: 'Failed',
};

export function AttentionBadge({ attention }: { attention: Attention | null }) {
  if (!attention) return null;
  return (
    <span className={`badge badge-${attention}`}>
      <span aria-hidden="true">⚑ </span>
      {ATTENTION_TEXT[attention]}
    </span>
  );
}

export function attentionText(attention: Attention): string {
  return ATTENTION_TEXT[attention];
}
