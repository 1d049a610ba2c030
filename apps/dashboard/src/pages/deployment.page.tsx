import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, describeProblem, get, post, request } from '../api.client';
import { ActionDialog, type PendingAction } from '../components/action-dialog.component';
import { Link } from '../components/link.component';
import { LiveStatus } from '../components/live-status.component';
import { Phase } from '../components/phase.component';
import { type LiveState, openLive } from '../live.client';
import { navigate, href } from '../router';
import { canDeploy, useSession } from '../session.context';
import { type DeploymentDetail, type Pod, type Side, TERMINAL_PHASES, type TimelineEvent } from '../types';

interface Release {
  version: string;
  spec: { podSpec?: { containers?: Array<{ name: string; image: string }> } };
}

function images(release: Release | null): string {
  return release?.spec.podSpec?.containers?.map((c) => c.image).join(', ') ?? '…';
}

/** The deployment, kept fresh: every live event refetches the detail (conditional GET, coalesced). */
function useDeployment(id: string) {
  const [detail, setDetail] = useState<DeploymentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const etag = useRef<string | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  const refresh = useCallback(async (): Promise<void> => {
    if (inFlight.current) {
      again.current = true;
      return inFlight.current;
    }
    const run = async () => {
      do {
        again.current = false;
        try {
          const r = await request<DeploymentDetail>('GET', `/v1/deployments/${encodeURIComponent(id)}`, { ifNoneMatch: etag.current ?? undefined });
          if (!r.notModified) {
            etag.current = r.etag;
            setDetail(r.data);
          }
          setError(null);
        } catch (err) {
          setError(describeProblem(err));
        }
      } while (again.current);
    };
    inFlight.current = run().finally(() => (inFlight.current = null));
    return inFlight.current;
  }, [id]);

  useEffect(() => {
    let close: (() => void) | undefined;
    let cancelled = false;
    void refresh().then(() => {
      if (cancelled) return;
      close = openLive({
        path: `/v1/deployments/${encodeURIComponent(id)}/events`,
        onEvent: () => void refresh(),
        onState: (s) => {
          setLive(s);
          if (s === 'live') void refresh();
        },
        isLast: (e) => TERMINAL_PHASES.has(e.phase),
      });
    });
    return () => {
      cancelled = true;
      close?.();
    };
  }, [id, refresh]);

  return { detail, error, live, refresh };
}

export default function DeploymentPage({ id }: { id: string }) {
  const session = useSession();
  const { detail, error, live, refresh } = useDeployment(id);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [releases, setReleases] = useState<{ from: Release | null; to: Release | null }>({ from: null, to: null });

  const app = detail?.app;
  const release = detail?.release;
  const previous = detail?.previousRelease;
  useEffect(() => {
    if (!app || !release) return;
    const one = (v: string | null | undefined) => (v ? get<Release>(`/v1/apps/${encodeURIComponent(app)}/releases/${encodeURIComponent(v)}`).catch(() => null) : Promise.resolve(null));
    void Promise.all([one(previous), one(release)]).then(([from, to]) => setReleases({ from, to }));
  }, [app, release, previous]);

  if (!detail) return error ? <p role="alert" className="error">{error}</p> : <p className="loading">Loading deployment…</p>;

  const d = detail;
  const allowed = canDeploy(session, d.app, d.environment);
  const step = d.currentStep !== null ? d.plan.steps[d.currentStep] : undefined;
  const command = (type: string, extra: Record<string, unknown> = {}) => async (reason: string) => {
    try {
      const result = await post<{ deployment: { id: string } }>(`/v1/deployments/${d.id}/${type}`, { reason, ...extra }, d.etag);
      if (result.deployment.id !== d.id) navigate(href({ name: 'deployment', id: result.deployment.id }));
      else await refresh();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.status === 412)) await refresh();
      throw err;
    }
  };
  const phase = d.phase;
  const active = d.active;
  const actions: Array<{ key: string; label: string; enabled: boolean; action: PendingAction }> = [
    {
      key: 'promote',
      label: 'Promote',
      enabled: active && (phase === 'Paused' || phase === 'Progressing'),
      action: { title: 'Promote', description: 'Go on to the next step of the plan.', destructive: false, run: command('promote') },
    },
    {
      key: 'promote-full',
      label: 'Promote full',
      enabled: active && (phase === 'Paused' || phase === 'Progressing'),
      action: { title: 'Promote full', description: `Skip the remaining steps: ${d.release} takes all traffic now.`, destructive: true, run: command('promote', { full: true }) },
    },
    { key: 'pause', label: 'Pause', enabled: phase === 'Progressing', action: { title: 'Pause', description: 'Hold the rollout where it is.', destructive: false, run: command('pause') } },
    {
      key: 'resume',
      label: 'Resume',
      enabled: phase === 'Paused' && (d.pauseReason === 'UserPaused' || d.pauseReason === 'ClusterUnreachable'),
      action: { title: 'Resume', description: 'Carry on from where it was paused.', destructive: false, run: command('resume') },
    },
    {
      key: 'abort',
      label: 'Abort',
      enabled: active,
      action: { title: 'Abort', description: `Stop the rollout of ${d.release} and return all traffic to ${d.previousRelease ?? 'the previous release'}.`, destructive: true, run: command('abort') },
    },
    {
      key: 'rollback',
      label: 'Roll back',
      enabled: active || phase === 'Succeeded',
      action: {
        title: `Roll back to ${d.previousRelease ?? 'the previous release'}`,
        description: `Replace ${d.release} with ${d.previousRelease ?? 'the release before it'} in ${d.environment}.`,
        destructive: true,
        run: command('rollback'),
      },
    },
    {
      key: 'retry',
      label: 'Retry',
      enabled: phase === 'Failed' || phase === 'RolledBack' || phase === 'Aborted' || d.pauseReason === 'Inconclusive',
      action: { title: 'Retry', description: `Run the deployment of ${d.release} again.`, destructive: false, run: command('retry') },
    },
  ];
  const checks = d.events.filter((e) => e.type.startsWith('Check'));

  return (
    <article aria-labelledby="deployment-title" className="deployment">
      <div className="page-head">
        <h1 id="deployment-title">
          {d.app} <span className="muted">in</span> {d.environment}: {d.kind === 'rollback' ? 'rollback to ' : ''}
          {d.release}
        </h1>
        <LiveStatus state={live} />
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}

      <dl className="header-grid" aria-label="Summary">
        <div>
          <dt>Phase</dt>
          <dd data-testid="phase">
            <Phase phase={d.phase} reason={d.pauseReason} />
          </dd>
        </div>
        <div>
          <dt>Strategy</dt>
          <dd>{d.plan.strategy}</dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd data-testid="step">
            {d.currentStep !== null ? `${d.currentStep + 1}/${d.plan.steps.length}` : '—'}
            {step ? ` · ${step.title}` : ''}
          </dd>
        </div>
        <div>
          <dt>Traffic to {d.release}</dt>
          <dd>
            set {step ? `${step.newTrafficPercent}%` : '—'} · actual {d.trafficWeight !== null ? `${d.trafficWeight}%` : '—'}
          </dd>
        </div>
        <div className="wide">
          <dt>Images</dt>
          <dd>
            {d.previousRelease ? `${images(releases.from)} (${d.previousRelease})` : '(none)'} → {images(releases.to)} ({d.release})
          </dd>
        </div>
        <div className="wide">
          <dt>Started</dt>
          <dd>
            by {d.createdBy} at {new Date(d.createdAt).toLocaleString()}
            {d.reason ? ` — “${d.reason}”` : ''}
          </dd>
        </div>
        {d.failure || d.failureReason ? (
          <div className="wide">
            <dt>Failure</dt>
            <dd className="error">{d.failure ? `${d.failure.code}: ${d.failure.reason}` : d.failureReason}</dd>
          </div>
        ) : null}
        {d.clusterError ? (
          <div className="wide">
            <dt>Cluster</dt>
            <dd className="error">
              {d.clusterError.reason} (since {new Date(d.clusterError.since).toLocaleTimeString()})
            </dd>
          </div>
        ) : null}
      </dl>

      <section aria-labelledby="actions-title" className="actions">
        <h2 id="actions-title" className="visually-hidden">
          Actions
        </h2>
        {!allowed ? <p className="muted">Your role ({session.role}) may look but not act here.</p> : null}
        {actions.map((a) => (
          <button key={a.key} type="button" className={a.action.destructive ? 'danger-outline' : ''} disabled={!allowed || !a.enabled} onClick={() => setPending(a.action)}>
            {a.label}
          </button>
        ))}
        <Link to={{ name: 'history', app: d.app, environment: d.environment }}>History of {d.environment}</Link>
      </section>

      <div className="columns">
        <section aria-labelledby="steps-title">
          <h2 id="steps-title">Steps</h2>
          <ol className="steps">
            {d.plan.steps.map((s) => {
              const state = d.currentStep === null ? (d.phase === 'Succeeded' ? 'done' : 'todo') : s.index < d.currentStep ? 'done' : s.index === d.currentStep ? 'current' : 'todo';
              return (
                <li key={s.index} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
                  <span aria-hidden="true">{state === 'done' ? '✔ ' : state === 'current' ? '▶ ' : '○ '}</span>
                  {s.title}
                  {state === 'current' ? <span className="visually-hidden"> (current step)</span> : null}
                  <span className="muted"> · {Object.entries(s.replicas).map(([side, n]) => `${side} ${n}`).join(', ')}</span>
                </li>
              );
            })}
          </ol>
        </section>

        <section aria-labelledby="sides-title">
          <h2 id="sides-title">Workloads</h2>
          {d.sides.map((side) => (
            <SideView key={side.side} side={side} pods={d.pods.items.filter((p) => p.workload === side.workload)} />
          ))}
          {d.pods.items.some((p) => !d.sides.some((s) => s.workload === p.workload)) ? (
            <SideView side={{ side: 'other', workload: null, release: null, desired: null, updated: null, ready: null, available: null }} pods={d.pods.items.filter((p) => !d.sides.some((s) => s.workload === p.workload))} />
          ) : null}
        </section>
      </div>

      <section aria-labelledby="checks-title">
        <h2 id="checks-title">Checks and analysis</h2>
        {checks.length === 0 ? <p className="muted">No checks have run.</p> : <Timeline events={checks} />}
      </section>

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Timeline events={[...d.events].reverse()} />
      </section>

      <ActionDialog action={pending} onClose={() => setPending(null)} onDone={(m) => setNotice(m)} />
    </article>
  );
}

function SideView({ side, pods }: { side: Side; pods: Pod[] }) {
  const n = (v: number | null) => (v === null ? '?' : String(v));
  return (
    <div className="side" data-testid={`side-${side.side}`}>
      <h3>
        {side.side} <span className="muted">{side.workload ?? ''}</span> {side.release ? <span className="tag">{side.release}</span> : null}
      </h3>
      <p>
        desired {n(side.desired)} · updated {n(side.updated)} · ready {n(side.ready)} · available {n(side.available)}
      </p>
      {pods.length > 0 ? (
        <ul className="pods">
          {pods.map((p) => (
            <li key={p.name}>
              <span aria-hidden="true">{p.ready ? '✔' : p.phase === 'Failed' || /CrashLoop|Error/.test(p.progress) ? '✖' : '◌'}</span> {p.name}{' '}
              <span className="muted">
                {p.ready ? 'ready' : 'not ready'} · {p.phase}
                {p.progress ? ` · ${p.progress}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Timeline({ events }: { events: TimelineEvent[] }) {
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.seq}>
          <time dateTime={e.createdAt}>{new Date(e.createdAt).toLocaleTimeString()}</time> <strong>{e.type}</strong> {e.message}
          {e.actor && e.actor !== 'system' ? <span className="muted"> — {e.actor}</span> : null}
        </li>
      ))}
    </ol>
  );
}
