import { useCallback, useEffect, useState } from 'react';
import { describeProblem, get, post } from '../api.client';
import { ActionDialog, type PendingAction } from '../components/action-dialog.component';
import { Link } from '../components/link.component';
import { Phase } from '../components/phase.component';
import { href, navigate } from '../router';
import { canDeploy, useSession } from '../session.context';
import type { Deployment, Page } from '../types';

/** Deployments of one environment, newest first, with one-click rollback to an earlier release that served. */
export default function HistoryPage({ app, environment }: { app: string; environment: string }) {
  const session = useSession();
  const [items, setItems] = useState<Deployment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    get<Page<Deployment>>(`/v1/apps/${encodeURIComponent(app)}/environments/${encodeURIComponent(environment)}/history?limit=100`)
      .then((p) => setItems(p.items))
      .catch((err: unknown) => setError(describeProblem(err)));
  }, [app, environment]);
  useEffect(load, [load]);

  const latestSucceeded = items?.find((d) => d.phase === 'Succeeded');
  const allowed = canDeploy(session, app, environment);

  const rollbackTo = (target: Deployment): PendingAction => ({
    title: `Roll back to ${target.release}`,
    description: `Deploy ${target.release} to ${app} in ${environment}, replacing ${latestSucceeded?.release ?? 'what serves now'}.`,
    destructive: true,
    run: async (reason) => {
      // The release right before the one serving: the api's rollback (kind rollback). Any other: a deployment of it.
      const result =
        latestSucceeded && latestSucceeded.previousRelease === target.release
          ? await post<{ deployment: { id: string } }>(`/v1/deployments/${latestSucceeded.id}/rollback`, { reason })
          : { deployment: await post<{ id: string }>('/v1/deployments', { app, environment, release: target.release, reason: `rollback to ${target.release}: ${reason}` }) };
      navigate(href({ name: 'deployment', id: result.deployment.id }));
    },
  });

  return (
    <section aria-labelledby="history-title">
      <div className="page-head">
        <h1 id="history-title">
          History of {app} <span className="muted">in</span> {environment}
        </h1>
        <Link to={{ name: 'new', app, environment }}>New deployment here</Link>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {notice ? <p role="status">{notice}</p> : null}
      {!items ? (
        <p className="loading">Loading…</p>
      ) : (
        <table className="cards">
          <thead>
            <tr>
              <th scope="col">Release</th>
              <th scope="col">Phase</th>
              <th scope="col">Started</th>
              <th scope="col">By / reason</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => {
              const canRollBack = allowed && d.phase === 'Succeeded' && latestSucceeded !== undefined && d.id !== latestSucceeded.id && d.release !== latestSucceeded.release;
              return (
                <tr key={d.id}>
                  <th scope="row" data-label="Release">
                    <Link to={{ name: 'deployment', id: d.id }}>
                      {d.kind === 'rollback' ? 'rollback to ' : ''}
                      {d.release}
                    </Link>
                    {d.id === latestSucceeded?.id ? <span className="tag">serving</span> : null}
                  </th>
                  <td data-label="Phase">
                    <Phase phase={d.phase} reason={d.phase === 'Paused' ? d.pauseReason : null} />
                  </td>
                  <td data-label="Started">
                    <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time>
                  </td>
                  <td data-label="By">
                    {d.createdBy}
                    {d.reason ? ` — “${d.reason}”` : ''}
                  </td>
                  <td>
                    {canRollBack ? (
                      <button type="button" className="danger-outline" onClick={() => setPending(rollbackTo(d))}>
                        Roll back to {d.release}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ActionDialog action={pending} onClose={() => setPending(null)} onDone={(m) => (setNotice(m), load())} />
    </section>
  );
}
