import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, describeProblem, get, post } from '../api.client';
import { href, navigate } from '../router';
import { canDeploy, useSession } from '../session.context';
import type { Deployment, DeploymentDetail, Page, Plan } from '../types';

interface Named {
  name: string;
}
interface Environment extends Named {
  cluster: string;
  namespace: string;
  replicas: number;
  strategy: Record<string, unknown>;
}
interface Release {
  version: string;
  createdAt: string;
}

/**
 * Pick app, environment, release and (optionally) a strategy; the plan shows before confirming. The plan comes
 * from a dry run (`POST /v1/deployments {dryRun: true}`) when the api has it, else from the environment's latest
 * deployment with the same strategy.
 */
export default function NewDeploymentPage(props: { app?: string; environment?: string }) {
  const session = useSession();
  const [apps, setApps] = useState<Named[]>([]);
  const [envs, setEnvs] = useState<Environment[]>([]);
  const [releases, setReleases] = useState<Release[]>([]);
  const [app, setApp] = useState(props.app ?? '');
  const [environment, setEnvironment] = useState(props.environment ?? '');
  const [release, setRelease] = useState('');
  const [strategyText, setStrategyText] = useState('');
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState<{ plan: Plan; source: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<Page<Named>>('/v1/apps?limit=200')
      .then((p) => setApps(p.items))
      .catch((e: unknown) => setError(describeProblem(e)));
  }, []);
  useEffect(() => {
    setEnvs([]);
    setReleases([]);
    if (!app) return;
    const a = encodeURIComponent(app);
    get<Page<Environment>>(`/v1/apps/${a}/environments?limit=200`)
      .then((p) => setEnvs(p.items))
      .catch((e: unknown) => setError(describeProblem(e)));
    get<Page<Release>>(`/v1/apps/${a}/releases?limit=100`)
      .then((p) => setReleases(p.items))
      .catch((e: unknown) => setError(describeProblem(e)));
  }, [app]);
  const env = envs.find((e) => e.name === environment);
  useEffect(() => {
    if (env) setStrategyText(JSON.stringify(env.strategy, null, 2));
  }, [env]);

  const strategy = (): Record<string, unknown> | undefined => {
    if (!env || strategyText.trim() === '' || strategyText === JSON.stringify(env.strategy, null, 2)) return undefined;
    return JSON.parse(strategyText) as Record<string, unknown>;
  };
  const body = () => ({ app, environment, release, ...(strategy() ? { strategy: strategy() } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) });

  const showPlan = async () => {
    setError(null);
    setPlan(null);
    try {
      const dry = await post<{ plan?: Plan }>('/v1/deployments', { ...body(), dryRun: true });
      if (dry.plan) return setPlan({ plan: dry.plan, source: 'dry run' });
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 400 && err.status !== 422)) return setError(describeProblem(err));
    }
    // No dry run on this api: the plan of the latest deployment here with this strategy type.
    try {
      const history = await get<Page<Deployment>>(`/v1/apps/${encodeURIComponent(app)}/environments/${encodeURIComponent(environment)}/history?limit=20`);
      const type = (strategy() ?? env?.strategy)?.['type'];
      const same = history.items.find((d) => d.strategy.type === type);
      if (!same) return setPlan(null), setError('No plan to show yet: this environment has no earlier deployment with this strategy. The steps appear on the deployment page once it starts.');
      const detail = await get<DeploymentDetail>(`/v1/deployments/${same.id}`);
      setPlan({ plan: detail.plan, source: `the plan of the latest ${String(type)} deployment here (${same.release})` });
    } catch (err) {
      setError(describeProblem(err));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await post<{ id: string }>('/v1/deployments', body());
      navigate(href({ name: 'deployment', id: created.id }));
    } catch (err) {
      setError(err instanceof SyntaxError ? `The strategy is not valid JSON: ${err.message}` : describeProblem(err));
    } finally {
      setBusy(false);
    }
  };

  const ready = app !== '' && environment !== '' && release !== '';
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New deployment</h1>
      {!canDeploy(session, app || undefined, environment || undefined) ? <p className="muted">Your role ({session.role}) may not start deployments{app ? ` of ${app}` : ''}.</p> : null}
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label htmlFor="new-app">App</label>
        <select id="new-app" value={app} onChange={(e) => (setApp(e.target.value), setEnvironment(''), setRelease(''), setPlan(null))} required>
          <option value="">Choose an app</option>
          {apps.map((a) => (
            <option key={a.name}>{a.name}</option>
          ))}
        </select>
        <label htmlFor="new-env">Environment</label>
        <select id="new-env" value={environment} onChange={(e) => (setEnvironment(e.target.value), setPlan(null))} required disabled={!app}>
          <option value="">Choose an environment</option>
          {envs.map((en) => (
            <option key={en.name} value={en.name}>
              {en.name} ({en.cluster}/{en.namespace}, {en.replicas} replicas)
            </option>
          ))}
        </select>
        <label htmlFor="new-release">Release</label>
        <select id="new-release" value={release} onChange={(e) => (setRelease(e.target.value), setPlan(null))} required disabled={!app}>
          <option value="">Choose a release</option>
          {releases.map((r) => (
            <option key={r.version}>{r.version}</option>
          ))}
        </select>
        <label htmlFor="new-strategy">Strategy</label>
        <p id="new-strategy-help" className="help">
          The environment's default; edit it to override for this deployment only.
        </p>
        <textarea id="new-strategy" aria-describedby="new-strategy-help" rows={6} value={strategyText} onChange={(e) => (setStrategyText(e.target.value), setPlan(null))} disabled={!env} spellCheck={false} />
        <label htmlFor="new-reason">Reason</label>
        <input id="new-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        <div className="dialog-buttons">
          <button type="button" onClick={() => void showPlan()} disabled={!ready}>
            Show the plan
          </button>
          <button type="submit" className="primary" disabled={!ready || busy || !plan}>
            {busy ? 'Starting…' : `Deploy ${release || ''}`}
          </button>
        </div>
        {!plan && ready ? <p className="help">Look at the plan first; then Deploy starts it.</p> : null}
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {plan ? (
        <section aria-labelledby="plan-title" className="plan">
          <h2 id="plan-title">
            Plan: {plan.plan.strategy}, {plan.plan.steps.length} steps
          </h2>
          <p className="muted">
            From {plan.source}. Peak {plan.plan.peakPods} pods ({plan.plan.extraPods} above {plan.plan.replicas}); at least {plan.plan.minimumDurationSeconds} s.
          </p>
          <ol className="steps">
            {plan.plan.steps.map((s) => (
              <li key={s.index}>
                {s.title} <span className="muted">· {Object.entries(s.replicas).map(([k, v]) => `${k} ${v}`).join(', ')} · {s.newTrafficPercent}% new</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </section>
  );
}
