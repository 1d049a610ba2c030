import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { describeProblem, get } from '../api.client';
import { Link } from '../components/link.component';
import { LiveStatus } from '../components/live-status.component';
import { AttentionBadge, Phase } from '../components/phase.component';
import { type LiveState, openLive } from '../live.client';
import type { Attention, LiveEvent, OverviewItem } from '../types';

function attentionOf(phase: string | null, pauseReason: string | null): Attention | null {
  if (phase === 'Failed') return 'failed';
  if (phase !== 'Paused') return null;
  if (pauseReason === 'PauseStep' || pauseReason === 'AwaitingPromotion') return 'awaiting-promotion';
  if (pauseReason === 'Inconclusive') return 'inconclusive-analysis';
  if (pauseReason === 'ClusterUnreachable') return 'cluster-unreachable';
  return 'paused';
}

/** One event moves its row: the latest deployment's release and phase, and what serves once it succeeded. */
function applyEvent(items: OverviewItem[], e: LiveEvent): OverviewItem[] {
  const i = items.findIndex((it) => it.app === e.app && it.environment === e.environment);
  if (i < 0) return items;
  const row = items[i]!;
  const next: OverviewItem = {
    ...row,
    deploymentId: e.deploymentId,
    release: e.release,
    phase: e.phase,
    pauseReason: e.pauseReason,
    attention: attentionOf(e.phase, e.pauseReason),
    serving: e.phase === 'Succeeded' ? e.release : row.serving,
    updatedAt: e.at,
  };
  const copy = items.slice();
  copy[i] = next;
  return copy;
}

export function OverviewPage() {
  const [items, setItems] = useState<OverviewItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const [query, setQuery] = useState('');
  const [needsPerson, setNeedsPerson] = useState(false);
  const deferredQuery = useDeferredValue(query);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      get<{ items: OverviewItem[] }>('/v1/overview')
        .then((r) => !cancelled && (setItems(r.items), setError(null)))
        .catch((err: unknown) => !cancelled && setError(describeProblem(err)));
    void load();
    let wasLive = false;
    const close = openLive({
      path: '/v1/events',
      onEvent: (e) => setItems((current) => (current ? applyEvent(current, e) : current)),
      onState: (s) => {
        setLive(s);
        // The feed resumes from its last id; after a first connection that never delivered, reload the table.
        if (s === 'live' && wasLive) void load();
        if (s === 'live') wasLive = true;
      },
    });
    return () => {
      cancelled = true;
      close();
    };
  }, []);

  const shown = useMemo(() => {
    if (!items) return [];
    const q = deferredQuery.trim().toLowerCase();
    return items.filter(
      (it) => (!needsPerson || it.attention !== null) && (q === '' || `${it.app} ${it.environment} ${it.cluster} ${it.namespace} ${it.release ?? ''} ${it.phase ?? ''}`.toLowerCase().includes(q)),
    );
  }, [items, deferredQuery, needsPerson]);
  const waiting = items?.filter((it) => it.attention !== null).length ?? 0;

  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">Overview</h1>
        <LiveStatus state={live} />
      </div>
      <div className="filters" role="search">
        <label htmlFor="overview-search">Filter</label>
        <input id="overview-search" type="search" placeholder="app, environment, cluster, release, phase" value={query} onChange={(e) => setQuery(e.target.value)} />
        <label className="inline">
          <input type="checkbox" checked={needsPerson} onChange={(e) => setNeedsPerson(e.target.checked)} /> Only what needs a person ({waiting})
        </label>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {!items ? (
        <p className="loading">Loading environments…</p>
      ) : items.length === 0 ? (
        <p>No environments yet. Create an app and an environment with the CLI (`cutover`) or the API.</p>
      ) : (
        <table className="overview cards">
          <caption className="visually-hidden">
            {shown.length} of {items.length} environments
          </caption>
          <thead>
            <tr>
              <th scope="col">App</th>
              <th scope="col">Environment</th>
              <th scope="col">Cluster / namespace</th>
              <th scope="col">Serving</th>
              <th scope="col">Latest deployment</th>
              <th scope="col">Needs</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((it) => (
              <tr key={`${it.app}/${it.environment}`} data-testid={`env-${it.app}-${it.environment}`}>
                <th scope="row" data-label="App">
                  {it.app}
                </th>
                <td data-label="Environment">
                  <Link to={{ name: 'history', app: it.app, environment: it.environment }} label={`History of ${it.app} in ${it.environment}`}>
                    {it.environment}
                  </Link>
                  {it.protected ? <span className="tag">protected</span> : null}
                </td>
                <td data-label="Cluster">
                  {it.cluster} / {it.namespace}
                </td>
                <td data-label="Serving">{it.serving ?? '—'}</td>
                <td data-label="Latest">
                  {it.deploymentId ? (
                    <Link to={{ name: 'deployment', id: it.deploymentId }} label={`Deployment of ${it.release ?? ''} to ${it.app} ${it.environment}`}>
                      {it.kind === 'rollback' ? 'rollback to ' : ''}
                      {it.release}
                    </Link>
                  ) : null}{' '}
                  <Phase phase={it.phase} reason={it.phase === 'Paused' ? it.pauseReason : null} />
                </td>
                <td data-label="Needs">
                  <AttentionBadge attention={it.attention} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
