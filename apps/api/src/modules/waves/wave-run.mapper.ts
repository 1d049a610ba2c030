import { gateWaitsFor, isDeploymentPhase, isWaveRunTerminal, type WaveState } from '@cutover/domain';
import type { WaveRunRecord } from '@cutover/persistence';
import type { WaveGateModel, WaveRunModel } from './models/wave-run.model';

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function gateOf(w: WaveState, runEnded: boolean, now: number): WaveGateModel {
  const s = w.gateState;
  const waiting = w.phase === 'Gate' ? gateWaitsFor(w, now) : [];
  let phase = 'Pending';
  if (s.openedAt !== null) phase = 'Open';
  else if (w.phase === 'Gate') phase = runEnded ? 'Closed' : 'Waiting';
  else if (runEnded) phase = 'Closed';
  return {
    bakeSeconds: w.gate.bakeSeconds,
    manual: w.gate.manual,
    analysis: w.gate.analysis as unknown as Record<string, unknown> | null,
    approval: w.gate.approval as unknown as Record<string, unknown> | null,
    phase,
    waitingFor: waiting,
    bakeUntil: date(s.bakeUntil),
    promotedBy: s.promotedBy,
    approvals: s.approvals,
    openedAt: date(s.openedAt),
  };
}

/**
 * The answer for a run. `live` holds the phases of its deployments as they are now (read with the run): an ended
 * run is not ticked any more, yet its deployments' ends (an abort reaching them) still show.
 */
export function toWaveRunModel(r: WaveRunRecord, live: ReadonlyMap<string, { phase: string; failureReason: string | null }> = new Map(), now = Date.now()): WaveRunModel {
  const s = r.state;
  const ended = isWaveRunTerminal(s.phase);
  return {
    id: r.id,
    app: r.app,
    release: r.release,
    phase: s.phase,
    pauseReason: s.pauseReason,
    reason: r.reason,
    currentWave: s.current,
    stopOnFailure: s.policy.stopOnFailure,
    rollbackCompleted: s.policy.rollbackCompleted,
    failureBudget: s.policy.failureBudget,
    failures: s.failures,
    stopReason: s.stopping?.reason ?? null,
    waves: s.waves.map((w, index) => ({
      index,
      name: w.name,
      phase: w.phase,
      maxParallel: w.maxParallel,
      selector: w.selector,
      gate: gateOf(w, ended, now),
      environments: w.environments.map((e) => {
        const seen = e.deploymentId === null ? undefined : live.get(e.deploymentId);
        const phase = seen && isDeploymentPhase(e.phase) ? seen.phase : e.phase;
        return { environment: e.environment, cluster: e.cluster, deploymentId: e.deploymentId, phase, reason: seen?.failureReason ?? e.reason };
      }),
    })),
    history: s.history.map((h) => ({ type: h.type, message: h.message, actor: h.actor, at: new Date(h.at) })),
    version: r.version,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    finishedAt: r.finishedAt,
  };
}
