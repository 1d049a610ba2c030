// Canary: `<app>-stable` keeps serving the previous release at full size while `<app>-canary` runs the new one and
// takes traffic step by step. Routing by replicas (one Service over both: weight = replica ratio), NGINX or the
// Gateway API shares this machine; the routing only changes which effects carry the weight.
// Finishing moves stable to the new release, then takes all traffic back to stable and scales the canary to zero.
import type { Verdict } from '../../model/deployment/command.types';
import type { CanaryRollout, DeploymentContext } from '../../model/deployment/deployment.types';
import type { Effect, EnsureServiceEffect } from '../../model/deployment/effect.types';
import { baseSelector, names, roleSelector } from '../../model/deployment/topology.rules';
import type { CanaryStep, CanaryStrategy } from '../../model/strategy-document/strategy-document.types';
import { analysisPassed, startAnalysis } from '../shared/analysis.machine';
import { checksPassed, startChecks } from '../shared/checks.machine';
import type { DirectTopology, StrategyMachine } from '../shared/machine.types';
import { deadlinePassed, stableOnlyTraffic } from '../shared/restore.machine';
import { effect, emit, setPhase, timerDue, type Tick } from '../shared/tick.machine';
import { ensureNewWorkload, isSettled, retireBaseline, rollingDefaults, scaleWorkload } from '../shared/workloads.machine';
import { documentOf } from '../../model/strategy-document/strategy-document.rules';
import { canaryPlan, canaryReplicas } from './canary.plan';
import { canaryObservedTraffic, canarySides, canaryStepOf, canaryTrafficWeight } from './canary.view';

function doc(ctx: DeploymentContext): CanaryStrategy {
  if (ctx.strategy.type !== 'Canary') throw new Error('canaryMachine runs Canary documents only');
  return ctx.strategy;
}

function services(ctx: DeploymentContext): EnsureServiceEffect[] {
  if (doc(ctx).trafficRouting.type === 'replicas') return [{ kind: 'ensureService', name: names.primary(ctx.app), selector: baseSelector(ctx) }];
  return [
    { kind: 'ensureService', name: names.stable(ctx.app), selector: roleSelector(ctx, 'stable') },
    { kind: 'ensureService', name: names.canary(ctx.app), selector: roleSelector(ctx, 'canary') },
  ];
}

/**
 * The route effect putting `weight` on the canary, with the header rule while canary pods exist (nothing for
 * replicas routing, where the pods are the weight).
 */
function route(ctx: DeploymentContext, weight: number, canaryPods: number): Effect[] {
  const r = doc(ctx).trafficRouting;
  if (r.type === 'replicas') return [];
  const [zero] = stableOnlyTraffic(ctx);
  return zero?.kind === 'setCanaryWeight' ? [{ ...zero, weight, header: canaryPods > 0 ? r.header : null }] : [];
}

function rollout(t: Tick): CanaryRollout | null {
  return t.state.rollout?.kind === 'canary' ? t.state.rollout : null;
}

function enterFinish(t: Tick, r: CanaryRollout): void {
  const { ctx } = t.state;
  r.stage = 'finish';
  r.since = t.now;
  setPhase(t, 'Progressing');
  emit(t, 'StepStarted', `Promoting ${names.stable(ctx.app)} to ${ctx.release}`, { step: 'finish' });
  ensureNewWorkload(t, names.stable(ctx.app), 'stable', ctx.replicas, rollingDefaults(ctx.strategy.progressDeadlineSeconds));
}

function enterStep(t: Tick, r: CanaryRollout, step: CanaryStep): void {
  const { ctx } = t.state;
  const label = `Step ${r.stepIndex + 1}/${doc(ctx).steps.length}`;
  r.since = t.now;
  r.stepEntered = true;
  if ('setWeight' in step || 'setCanaryScale' in step) {
    if ('setWeight' in step) r.weight = step.setWeight;
    else r.scale = 'matchTrafficWeight' in step.setCanaryScale ? null : step.setCanaryScale;
    const pods = canaryReplicas(ctx.replicas, r.weight, r.scale);
    emit(t, 'StepStarted', `${label}: ${'setWeight' in step ? `weight ${step.setWeight}%` : 'canary scale'}, ${pods} canary pod(s)`, {
      step: r.stepIndex,
      weight: r.weight,
      canaryReplicas: pods,
    });
    ensureNewWorkload(t, names.canary(ctx.app), 'canary', pods, rollingDefaults(ctx.strategy.progressDeadlineSeconds));
  } else if ('pause' in step) {
    const d = step.pause.duration;
    emit(t, 'StepStarted', `${label}: pause${d === null ? ' until promoted' : ` for ${d}s`}`, { step: r.stepIndex, pause: d });
    setPhase(t, 'Paused', 'PauseStep', d === null ? 'waiting for promote' : `for ${d}s`);
  } else if ('analysis' in step) {
    emit(t, 'StepStarted', `${label}: analysis of ${step.analysis.metrics.map((m) => `\`${m.name}\``).join(', ')}`, {
      step: r.stepIndex,
      metrics: step.analysis.metrics.map((m) => m.name),
    });
    r.stepRunId = startAnalysis(t, step.analysis, `step${r.stepIndex + 1}`, 'step');
  } else {
    emit(t, 'StepStarted', `${label}: check \`${step.check.name}\``, { step: r.stepIndex, check: step.check.name });
    startChecks(t, [step.check], `step${r.stepIndex + 1}`, r.checkAttempt);
  }
}

function backgroundRunId(r: CanaryRollout): string | null {
  return r.background?.runId ?? null;
}

/** The background analysis has not failed nor paused the rollout (it may still be measuring). */
function backgroundHolds(t: Tick, r: CanaryRollout): boolean {
  const runId = backgroundRunId(r);
  if (runId === null || r.background?.status !== 'running') return true;
  const status = t.obs.analyses[runId];
  if (!status || status.phase === 'Running') return true;
  if (!analysisPassed(t, runId, 'background')) return false;
  r.background.status = 'passed';
  return true;
}

/** The pause is the background analysis' (inconclusive, not accepted yet) rather than the current step's. */
function backgroundInconclusive(t: Tick, r: CanaryRollout): boolean {
  const runId = backgroundRunId(r);
  return runId !== null && r.background?.status === 'running' && t.obs.analyses[runId]?.phase === 'Inconclusive';
}

/** True when the current step is complete. */
function stepComplete(t: Tick, r: CanaryRollout, step: CanaryStep): boolean {
  const { ctx } = t.state;
  if ('setWeight' in step || 'setCanaryScale' in step) {
    const pods = canaryReplicas(ctx.replicas, r.weight, r.scale);
    if (!isSettled(t.obs.workloads[names.canary(ctx.app)], ctx.release, pods)) {
      deadlinePassed(t, r.since, names.canary(ctx.app));
      return false;
    }
    if ('setWeight' in step) {
      // Traffic moves only once the canary pods are ready for it.
      for (const e of route(ctx, r.weight, pods)) effect(t, e);
      const byReplicas = doc(ctx).trafficRouting.type === 'replicas';
      const share = byReplicas ? Math.round((1000 * pods) / (pods + ctx.replicas)) / 10 : r.weight;
      emit(t, 'TrafficShifted', `Canary takes ${share}% of traffic${byReplicas ? ` (${pods} of ${pods + ctx.replicas} pods)` : ''}`, {
        weight: r.weight,
        effectiveWeight: share,
        canaryReplicas: pods,
        stableReplicas: ctx.replicas,
      });
    }
    return true;
  }
  if ('pause' in step) return step.pause.duration !== null && timerDue(t, r.since, step.pause.duration);
  if ('analysis' in step) return r.stepRunId ? analysisPassed(t, r.stepRunId, 'step') : false;
  return checksPassed(t, [step.check], `step${r.stepIndex + 1}`, r.checkAttempt);
}

function nextStep(t: Tick, r: CanaryRollout, why: string): void {
  emit(t, 'StepCompleted', `Step ${r.stepIndex + 1} done${why}`, { step: r.stepIndex });
  r.stepIndex += 1;
  r.stepEntered = false;
  r.checkAttempt = 1;
  if (t.state.phase === 'Paused') setPhase(t, 'Progressing');
}

export const canaryMachine: StrategyMachine = {
  type: 'Canary',
  plan: (d, replicas) => canaryPlan(documentOf(d, 'Canary'), replicas),
  stepOf: canaryStepOf,
  sides: canarySides,
  sharedWorkload: false,
  trafficWeight: canaryTrafficWeight,
  observedTraffic: canaryObservedTraffic,

  comparable: (state) => (state.baseline?.workloads ?? []).some((w) => w.name === names.stable(state.ctx.app)),

  preflight: () => null,

  direct: (ctx): DirectTopology => ({
    workloads: [{ name: names.stable(ctx.app), role: 'stable', updateStrategy: rollingDefaults(ctx.strategy.progressDeadlineSeconds) }],
    services: services(ctx),
    traffic: stableOnlyTraffic(ctx),
  }),

  start(t) {
    const { ctx } = t.state;
    const background = doc(ctx).backgroundAnalysis;
    const r: CanaryRollout = {
      kind: 'canary',
      stage: 'steps',
      since: t.now,
      stepIndex: 0,
      stepEntered: false,
      weight: 0,
      scale: null,
      checkAttempt: 1,
      background: null,
      stepRunId: null,
    };
    t.state.rollout = r;
    for (const e of [...services(ctx), ...stableOnlyTraffic(ctx)]) effect(t, e);
    if (background) r.background = { runId: startAnalysis(t, background, 'background', 'background'), status: 'running' };
  },

  advance(t) {
    const r = rollout(t);
    if (!r) return;
    const steps = doc(t.state.ctx).steps;
    if (r.stage === 'steps' && !backgroundHolds(t, r)) return;
    while (r.stage === 'steps') {
      if (r.stepIndex >= steps.length) {
        enterFinish(t, r);
        break;
      }
      const step = steps[r.stepIndex];
      if (!r.stepEntered) enterStep(t, r, step);
      if (!stepComplete(t, r, step)) return;
      nextStep(t, r, '');
    }
    if (r.stage !== 'finish') return;
    const { ctx } = t.state;
    if (!isSettled(t.obs.workloads[names.stable(ctx.app)], ctx.release, ctx.replicas)) {
      deadlinePassed(t, r.since, names.stable(ctx.app));
      return;
    }
    for (const e of stableOnlyTraffic(ctx)) effect(t, e);
    scaleWorkload(t, names.canary(ctx.app), 0, 'stable runs the new release');
    retireBaseline(t, [names.stable(ctx.app), names.canary(ctx.app)]);
    r.stage = 'done';
    setPhase(t, 'Succeeded', null, `${ctx.release} serves from ${names.stable(ctx.app)}`);
  },

  canPromote(state, full): Verdict {
    const r = state.rollout;
    if (r?.kind !== 'canary' || r.stage !== 'steps') return { ok: false, reason: 'the canary is not running its steps' };
    if (state.phase === 'Paused' && (state.pauseReason === 'PauseStep' || state.pauseReason === 'Inconclusive')) return { ok: true };
    if (full && state.phase === 'Progressing') return { ok: true };
    return { ok: false, reason: 'a canary step can be promoted only while it is paused (promote with full: true finishes at any step)' };
  },

  promote(t, full) {
    const r = rollout(t);
    if (!r || r.stage !== 'steps') return;
    if (full) enterFinish(t, r);
    else if (t.state.phase === 'Paused' && t.state.pauseReason === 'Inconclusive' && backgroundInconclusive(t, r) && r.background) {
      // The human accepts the inconclusive background analysis: the steps go on without it.
      r.background.status = 'accepted';
      setPhase(t, 'Progressing', null, 'inconclusive background analysis accepted');
    } else nextStep(t, r, ' (promoted)');
  },

  retryCheck(t) {
    const r = rollout(t);
    if (!r || r.stage !== 'steps') return;
    const background = doc(t.state.ctx).backgroundAnalysis;
    if (backgroundInconclusive(t, r) && r.background && background) {
      r.background.runId = startAnalysis(t, background, 'background', 'background');
      setPhase(t, 'Progressing');
      return;
    }
    r.checkAttempt += 1;
    r.stepEntered = false;
    setPhase(t, 'Progressing');
  },

  onUserPause: () => undefined,
};
