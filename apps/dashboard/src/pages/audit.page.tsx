import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { describeProblem, get } from '../api.client';

interface AuditEntry {
  seq: string;
  at: string;
  actorName: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  app: string | null;
  environment: string | null;
  version: string | null;
  interface: string;
  outcome: string;
  statusCode: number | null;
  reason: string | null;
}

interface Verification {
  ok: boolean;
  count: number;
  firstBroken: { seq: string; reason: string } | null;
  /** Entries committed but not yet chained by the sealer (docs/adr/0014). */
  unsealed?: { count: number; oldestAgeMs: number | null };
}

/** ", 3 newest not sealed yet (oldest 0.2 s)" or nothing. */
function tail(v: Verification): string {
  const u = v.unsealed;
  if (!u || u.count === 0) return '';
  return `; ${u.count} newest not sealed yet${u.oldestAgeMs === null ? '' : ` (oldest ${(u.oldestAgeMs / 1000).toFixed(1)} s)`}`;
}

const FILTERS = ['app', 'environment', 'actor', 'action'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The audit log, newest first, with filters and the hash chain's verdict. */
export default function AuditPage() {
  const [filters, setFilters] = useState<Filters>({ app: '', environment: '', actor: '', action: '' });
  const [applied, setApplied] = useState<Filters>(filters);
  const [page, setPage] = useState<{ items: AuditEntry[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = useCallback((f: Filters, cursor?: string) => {
    const q = new URLSearchParams({ limit: '50' });
    for (const k of FILTERS) if (f[k].trim()) q.set(k, f[k].trim());
    if (cursor) q.set('cursor', cursor);
    get<{ items: AuditEntry[]; nextCursor: string | null }>(`/v1/audit?${q.toString()}`)
      .then((p) => {
        setPage((prev) => (cursor && prev ? { items: [...prev.items, ...p.items], nextCursor: p.nextCursor } : p));
        setError(null);
      })
      .catch((err: unknown) => setError(describeProblem(err)));
  }, []);
  useEffect(() => load(applied), [load, applied]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(filters);
  };
  const verify = async () => {
    setVerifying(true);
    try {
      const v = await get<Verification>('/v1/audit/verify');
      setVerdict(v.ok ? `✔ The chain is intact: ${v.count} entries verified${tail(v)}.` : `✖ The chain is broken at entry ${v.firstBroken?.seq ?? '?'}: ${v.firstBroken?.reason ?? ''}`);
    } catch (err) {
      setVerdict(describeProblem(err));
    } finally {
      setVerifying(false);
    }
  };

  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify the chain'}
        </button>
      </div>
      {verdict ? (
        <p role="status" className="notice" data-testid="verdict">
          {verdict}
        </p>
      ) : null}
      <form className="filters" onSubmit={submit} role="search">
        {FILTERS.map((k) => (
          <span key={k} className="field">
            <label htmlFor={`audit-${k}`}>{k[0]!.toUpperCase() + k.slice(1)}</label>
            <input id={`audit-${k}`} value={filters[k]} onChange={(e) => setFilters({ ...filters, [k]: e.target.value })} />
          </span>
        ))}
        <button type="submit">Filter</button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {!page ? (
        <p className="loading">Loading…</p>
      ) : (
        <>
          <table className="cards audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">On</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.seq}>
                  <td data-label="When">
                    <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                  </td>
                  <td data-label="Who">
                    {e.actorName} <span className="muted">({e.interface})</span>
                  </td>
                  <th scope="row" data-label="Action">
                    {e.action}
                  </th>
                  <td data-label="On">{[e.app, e.environment, e.version].filter(Boolean).join(' / ') || `${e.resourceType}${e.resourceId ? ` ${e.resourceId}` : ''}`}</td>
                  <td data-label="Outcome">
                    {e.outcome === 'success' ? '✔' : '✖'} {e.outcome}
                    {e.statusCode ? ` (${e.statusCode})` : ''}
                  </td>
                  <td data-label="Reason">{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.nextCursor ? (
            <button type="button" onClick={() => load(applied, page.nextCursor ?? undefined)}>
              Older entries
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
