// Records → the api's models (REST answers and GraphQL types share them), and the ETags that guard them.
import { type DeploymentPlanReport, type DeploymentState, DomainError, planDeployment } from '@cutover/domain';
import type { DeploymentCommandRecord, DeploymentDetailRecord, DeploymentRecord } from '@cutover/persistence';
import type { DeploymentDetailModel } from './models/deployment-detail.model';
import type { DeploymentCommandModel, DeploymentModel } from './models/deployment.model';
import { hasMachineState, progressOf } from './deployment-status.mapper';

/** The plan of a created deployment: the dry-run's function, from the facts the deployment was born with. */
export function planOfDeployment(state: DeploymentState): DeploymentPlanReport {
  const { ctx } = state;
  return planDeployment({ strategy: ctx.strategy, replicas: ctx.replicas, previousRelease: ctx.previousRelease, podRequests: ctx.podRequests, approvals: ctx.approvals ?? null, capacity: null });
}

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * The detail's ETag: the version, and how many commands it lists (a command waits, unconsumed, without moving the
 * version; everything else the detail shows moves the version). `If-None-Match` with it answers 304.
 */
export function detailEtagOf(version: number, commands: number): string {
  return `W/"${version}-${commands}"`;
}

/**
 * If-Match against the deployment's version: `*` matches anything; strong or weak forms of the same version match
 * (a weak ETag is all we hand out, and clients and proxies may strip the `W/`), with or without the detail's
 * command count.
 */
export function ifMatchAllows(header: string | null | undefined, version: number): boolean {
  if (header === undefined || header === null || header.trim() === '') return true;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    if (t === '*') return true;
    const m = /^(?:W\/)?"(\d+)(?:-\d+)?"$/.exec(t);
    return m !== null && Number(m[1]) === version;
  });
}

/** 412 when If-Match names another version of the deployment than the one locked now; null when it may go on. */
export function staleError(d: Pick<DeploymentRecord, 'version' | 'phase'>, ifMatch: string | null): DomainError | null {
  if (ifMatchAllows(ifMatch, d.version)) return null;
  return new DomainError('PRECONDITION_FAILED', `The deployment changed since you read it: its ETag is now ${etagOf(d.version)}, not ${ifMatch ?? ''}.`, [], {
    etag: etagOf(d.version),
    phase: d.phase,
  });
}

export function toDeploymentModel(d: DeploymentRecord): DeploymentModel {
  return {
    id: d.id,
    app: d.app,
    environment: d.environment,
    release: d.release,
    previousRelease: d.previousRelease,
    kind: d.kind,
    rollbackOf: d.rollbackOfId,
    phase: d.phase,
    pauseReason: d.pauseReason,
    active: d.active,
    strategy: d.strategy,
    version: d.version,
    etag: etagOf(d.version),
    reason: d.reason,
    failureReason: d.failureReason ?? d.state?.failure?.reason ?? null,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    finishedAt: d.finishedAt,
    freezeOverride: d.freezeOverride as unknown as Record<string, unknown> | null,
    waveRunId: d.waveRunId,
  };
}

export function toCommandModel(c: DeploymentCommandRecord): DeploymentCommandModel {
  return {
    id: c.id,
    type: c.type,
    payload: c.payload,
    actor: c.actor,
    reason: c.reason,
    status: c.status,
    result: c.result,
    createdAt: c.createdAt,
    consumedAt: c.consumedAt,
  };
}

export function toDetailModel(d: DeploymentDetailRecord): Omit<DeploymentDetailModel, 'analysis'> {
  const progress = progressOf(d.state);
  const failure = d.state?.failure ?? null;
  return {
    ...toDeploymentModel(d),
    etag: detailEtagOf(d.version, d.commands.length),
    ...progress,
    planReport: hasMachineState(d.state) ? planOfDeployment(d.state) : null,
    failure: failure ? { code: failure.code, reason: failure.reason, at: new Date(failure.at) } : null,
    clusterError: d.state?.clusterError ? { kind: d.state.clusterError.kind, reason: d.state.clusterError.reason, since: new Date(d.state.clusterError.since) } : null,
    events: d.events.map((e) => ({ ...e })),
    commands: d.commands.map(toCommandModel),
  };
}
