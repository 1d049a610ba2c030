// The plan of a deployment before it starts (dry-run) and while it runs (its detail): steps with replicas per side,
// traffic, peak pods and the extra resources they request, the gates in order, the least duration, the worst case
// to roll back from each step, and the traps worth a warning. Pure: the api hands in what it read (the cluster's
// free capacity, the approval policy, the freezes in force).
import type { ApprovalPolicy } from '../model/deployment/approval.types';
import type { CapacityObservation } from '../model/deployment/observation.types';
import type { DeploymentPlanReport, PlanGate, PlannedStep, PlanStep, PlanWarning, ResourceAmount } from '../model/deployment/plan.types';
import type { HttpCheck, StrategyDocument } from '../model/strategy-document/strategy-document.types';
import { approvalGateSteps, START_GATE } from './gates/approval.rules';
import { plan } from './deployment.plan';

export interface PlanRequest {
  strategy: StrategyDocument;
  replicas: number;
  /** The release serving before; null = first deployment (it goes straight to serving). */
  previousRelease: string | null;
  /** Requests of one pod of the release; null when it requests nothing. */
  podRequests: ResourceAmount | null;
  /** Free capacity read from the cluster, or why it could not be read; null = not read. */
  capacity: { free: CapacityObservation } | { error: string } | null;
  approvals: ApprovalPolicy | null;
  /** Freeze windows in force now that cover the environment (name, end as ISO 8601). */
  frozen?: Array<{ name: string; until: string }>;
}

function gib(bytes: number): string {
  return `${Math.round((bytes / 1024 ** 3) * 100) / 100}Gi`;
}

function describeAmount(pods: number, r: ResourceAmount): string {
  return `${pods} pod${pods === 1 ? '' : 's'}, ${r.cpuMillis}m CPU, ${gib(r.memoryBytes)} memory`;
}

function checksOf(doc: StrategyDocument): Map<string, HttpCheck> {
  const all: HttpCheck[] = [];
  switch (doc.type) {
    case 'BlueGreen':
      all.push(...doc.prePromotionChecks, ...doc.postPromotionChecks);
      break;
    case 'Canary':
      for (const s of doc.steps) if ('check' in s) all.push(s.check);
      break;
    case 'Recreate':
    case 'RollingUpdate':
      break;
  }
  return new Map(all.map((c) => [c.name, c]));
}

function waitGate(doc: StrategyDocument, s: PlanStep): PlanGate | null {
  const base = { step: s.index, stepId: s.id };
  const w = s.wait;
  switch (w.type) {
    case 'ready':
    case 'podsGone':
      return null;
    case 'duration':
      return { ...base, kind: 'pause', title: `${s.title}`, seconds: w.seconds };
    case 'promote':
      return { ...base, kind: 'promotion', title: w.autoAfterSeconds === null ? 'Promotion by a person (promote)' : `Auto-promotion after ${w.autoAfterSeconds}s (or promote)`, seconds: w.autoAfterSeconds };
    case 'checks': {
      const checks = checksOf(doc);
      const seconds = Math.max(0, ...w.names.map((n) => checks.get(n)).map((c) => (c ? Math.max(0, c.count - 1) * c.interval : 0)));
      return { ...base, kind: 'checks', title: `Checks ${w.names.join(', ')}`, seconds };
    }
    default:
      // A wait this engine does not know by name (metric analysis) is a gate that measures.
      return { ...base, kind: 'analysis', title: s.title, seconds: null };
  }
}

/** Pods of the release that served before that are still up during step `i` (worst moment of the step). */
function previousUp(doc: StrategyDocument, steps: readonly PlanStep[], i: number, N: number): number {
  const s = steps[i]!;
  if (doc.type === 'Canary') return s.id === 'finish' ? 0 : N;
  const before = i === 0 ? N : (steps[i - 1]!.replicas.previous ?? N);
  return Math.min(before, s.replicas.previous ?? N);
}

function canaryWarnings(doc: StrategyDocument, steps: readonly PlanStep[], N: number): PlanWarning[] {
  if (doc.type !== 'Canary') return [];
  const warnings: PlanWarning[] = [];
  let last = 0;
  doc.steps.forEach((step, i) => {
    if (!('setWeight' in step)) return;
    const w = step.setWeight;
    const planned = steps[i];
    if (w < last) warnings.push({ code: 'weight-goes-backwards', message: `step ${i + 1} sets weight ${w}% after ${last}%: traffic goes back to the previous release mid-rollout`, step: i });
    last = w;
    if (planned && doc.trafficRouting.type === 'replicas' && w > 0 && w < 100) {
      const actual = planned.newTrafficPercent;
      if (Math.abs(actual - w) >= Math.max(5, w / 4)) {
        warnings.push({
          code: 'canary-weight-inexact',
          message: `step ${i + 1} sets weight ${w}% but with ${N} replicas routing by pods gives ${actual}% (${planned.replicas.canary} canary beside ${planned.replicas.stable} stable): use more replicas or NGINX / Gateway API routing`,
          step: i,
        });
      }
    }
  });
  return warnings;
}

export function planDeployment(req: PlanRequest): DeploymentPlanReport {
  const N = req.replicas;
  const doc = req.strategy;
  const direct = req.previousRelease === null;
  const base = direct
    ? {
        steps: [{ index: 0, id: 'direct', title: 'First deployment: bring the release up and serve it', replicas: { new: N }, newTrafficPercent: 100, peakPods: N, wait: { type: 'ready' as const } }],
        peakPods: N,
        minimumDurationSeconds: 0,
      }
    : plan(doc, N);
  const per = req.podRequests;
  const steps: PlannedStep[] = base.steps.map((s, i) => {
    const extraPods = Math.max(0, s.peakPods - (direct ? 0 : N));
    const podsToStart = direct ? 0 : N - previousUp(doc, base.steps, i, N);
    return {
      ...s,
      extraPods,
      extra: { cpuMillis: extraPods * (per?.cpuMillis ?? 0), memoryBytes: extraPods * (per?.memoryBytes ?? 0) },
      rollback: { podsToStart, worstCaseSeconds: podsToStart > 0 ? doc.progressDeadlineSeconds : 0 },
    };
  });
  const extraPods = Math.max(0, ...steps.map((s) => s.extraPods));
  const extra = { cpuMillis: extraPods * (per?.cpuMillis ?? 0), memoryBytes: extraPods * (per?.memoryBytes ?? 0) };

  const gates: PlanGate[] = [];
  const approvalSteps = approvalGateSteps(direct ? null : base.steps, req.approvals);
  const approvalGate = (step: number, stepId: string): PlanGate => ({
    step,
    stepId,
    kind: 'approval',
    title: `${req.approvals?.required ?? 0} approval${req.approvals?.required === 1 ? '' : 's'} from ${req.approvals?.from.join(', ') ?? ''}${req.approvals?.excludeDeployer ? ' (not the deployer)' : ''}`,
    seconds: null,
  });
  if (approvalSteps.includes(START_GATE)) gates.push(approvalGate(-1, START_GATE));
  for (const s of base.steps) {
    if (approvalSteps.includes(s.id)) gates.push(approvalGate(s.index, s.id));
    const g = direct ? null : waitGate(doc, s);
    if (g) gates.push(g);
  }

  const warnings: PlanWarning[] = direct ? [] : canaryWarnings(doc, base.steps, N);
  let verdict: DeploymentPlanReport['verdict'] = 'unknown';
  let free: DeploymentPlanReport['resources']['free'] = null;
  let capacityError: string | null = null;
  if (req.capacity !== null && 'error' in req.capacity) {
    capacityError = req.capacity.error;
    warnings.push({ code: 'capacity-unknown', message: `the cluster's free capacity could not be read (${capacityError}): the fit is unknown`, step: null });
  } else if (req.capacity !== null) {
    free = { ...req.capacity.free };
    const fits = extraPods <= free.pods && extra.cpuMillis <= free.cpuMillis && extra.memoryBytes <= free.memoryBytes;
    verdict = fits ? 'fits' : 'does-not-fit';
    if (!fits) {
      const peakStep = steps.find((s) => s.extraPods === extraPods) ?? null;
      const what = doc.type === 'BlueGreen' && !direct ? 'a blue/green brings a second full colour up beside the first and' : `at its peak (${peakStep?.title ?? 'the rollout'}) the rollout`;
      warnings.push({
        code: 'does-not-fit',
        message: `${what} needs ${describeAmount(extraPods, extra)} more than runs now; the cluster has ${describeAmount(free.pods, free)} free`,
        step: peakStep?.index ?? null,
      });
    }
  }
  for (const f of req.frozen ?? []) {
    warnings.push({ code: 'frozen', message: `freeze window "${f.name}" is in force until ${f.until}: a real create is refused (409) unless an admin passes override: {reason}`, step: null });
  }

  return {
    strategy: doc.type,
    replicas: N,
    direct,
    steps,
    peakPods: base.peakPods,
    extraPods,
    resources: { perPod: per, extra, free, capacityError },
    verdict,
    gates,
    minimumDurationSeconds: base.minimumDurationSeconds,
    warnings,
  };
}
