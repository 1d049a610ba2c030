// BlueGreen: the new colour comes up beside the old one, the preview Service shows it, pre-promotion checks run,
// a promote (or the auto-promotion timer) switches the active Service, post-promotion checks run, and the old
// colour stays warm for scaleDownDelaySeconds before it is scaled to zero. A rollback inside that window flips the
// active Service back at once (restore puts Services back before anything else); a rollback deployment after it
// brings the old release up on the idle colour and switches as soon as it is ready (and its checks passed), with no
// promote.
import type { Verdict } from '../../model/deployment/command.types';
import type { BlueGreenRollout, DeploymentContext, DeploymentState } from '../../model/deployment/deployment.types';
import { names, roleSelector } from '../../model/deployment/topology.rules';
import type { BlueGreenStrategy } from '../../model/strategy-document/strategy-document.types';
import { analysisPassed, startAnalysis } from '../shared/analysis.machine';
import { checksPassed, startChecks } from '../shared/checks.machine';
import type { DirectTopology, StrategyMachine } from '../shared/machine.types';
import { deadlinePassed } from '../shared/restore.machine';
import { effect, emit, setPhase, timerDue, type Tick } from '../shared/tick.machine';
import { ensureNewWorkload, isSettled, retireBaseline, rollingDefaults } from '../shared/workloads.machine';
import { documentOf } from '../../model/strategy-document/strategy-document.rules';
import { blueGreenPlan } from './blue-green.plan';
import { blueGreenObservedTraffic, blueGreenSides, blueGreenStepOf, blueGreenTrafficWeight } from './blue-green.view';

type Colour = 'blue' | 'green';

function doc(ctx: DeploymentContext): BlueGreenStrategy {
  if (ctx.strategy.type !== 'BlueGreen') throw new Error('blueGreenMachine runs BlueGreen documents only');
  return ctx.strategy;
}

function previewReplicas(ctx: DeploymentContext): number {
  return Math.min(doc(ctx).previewReplicaCount ?? ctx.replicas, ctx.replicas);
}

function colourWorkloads(state: DeploymentState) {
  const app = state.ctx.app;
  return (state.baseline?.workloads ?? []).filter((w) => w.name === names.colour(app, 'blue') || w.name === names.colour(app, 'green'));
}

/** The colour serving now: the one the active Service selects, else the one running the previous release. */
export function activeColour(state: DeploymentState): Colour | null {
  const selected = state.baseline?.services.find((s) => s.name === names.primary(state.ctx.app))?.selector['cutover.dev/role'];
  const running = colourWorkloads(state).map((w) => w.role);
  if ((selected === 'blue' || selected === 'green') && running.includes(selected)) return selected;
  const first = running.find((r): r is Colour => r === 'blue' || r === 'green');
  return first ?? null;
}

function rollout(t: Tick): BlueGreenRollout | null {
  return t.state.rollout?.kind === 'blueGreen' ? t.state.rollout : null;
}

function formatNeed(pods: number, cpuMillis: number, memoryBytes: number): string {
  return `${pods} pod(s), ${cpuMillis}m CPU, ${Math.ceil(memoryBytes / 1024 / 1024)}Mi memory`;
}

function switchActive(t: Tick, r: BlueGreenRollout): void {
  const { ctx } = t.state;
  effect(t, { kind: 'ensureService', name: names.primary(ctx.app), selector: roleSelector(ctx, r.colour) });
  emit(t, 'ServiceSwitched', `Active Service ${names.primary(ctx.app)} → ${r.colour} (${ctx.release})`, { service: names.primary(ctx.app), colour: r.colour });
  r.stage = 'postPromotion';
  r.since = t.now;
  r.analysisRunId = null;
  startChecks(t, doc(ctx).postPromotionChecks, 'post', r.checkAttempt);
}

function promoteNow(t: Tick, r: BlueGreenRollout): void {
  const { ctx } = t.state;
  setPhase(t, 'Progressing');
  r.stage = 'scaleUp';
  r.since = t.now;
  if (previewReplicas(ctx) < ctx.replicas) ensureNewWorkload(t, names.colour(ctx.app, r.colour), r.colour, ctx.replicas, rollingDefaults(ctx.strategy.progressDeadlineSeconds));
}

/** The stage's HTTP checks, then its analysis (if any): true once both passed. */
function afterChecks(t: Tick, r: BlueGreenRollout, group: 'pre' | 'post'): boolean {
  const d = doc(t.state.ctx);
  const where = group === 'pre' ? 'prePromotion' : 'postPromotion';
  if (!r.analysisRunId) {
    if (!checksPassed(t, group === 'pre' ? d.prePromotionChecks : d.postPromotionChecks, group, r.checkAttempt)) return false;
    const ref = group === 'pre' ? d.prePromotionAnalysis : d.postPromotionAnalysis;
    if (!ref) return true;
    r.analysisRunId = startAnalysis(t, ref, where, where);
  }
  if (!analysisPassed(t, r.analysisRunId, where)) return false;
  r.analysisRunId = null;
  return true;
}

export const blueGreenMachine: StrategyMachine = {
  type: 'BlueGreen',
  plan: (d, replicas) => blueGreenPlan(documentOf(d, 'BlueGreen'), replicas),
  stepOf: blueGreenStepOf,
  sides: blueGreenSides,
  sharedWorkload: false,
  trafficWeight: blueGreenTrafficWeight,
  observedTraffic: blueGreenObservedTraffic,

  comparable: (state) => colourWorkloads(state).length > 0,

  preflight(t) {
    const { ctx, baseline } = t.state;
    const capacity = t.obs.capacity;
    if (!baseline || baseline.workloads.length === 0 || capacity === null) return null;
    const pods = ctx.replicas;
    const cpu = pods * (ctx.podRequests?.cpuMillis ?? 0);
    const memory = pods * (ctx.podRequests?.memoryBytes ?? 0);
    if (capacity.pods >= pods && capacity.cpuMillis >= cpu && capacity.memoryBytes >= memory) return null;
    return {
      code: 'InsufficientCapacity',
      reason: `a second full colour needs ${formatNeed(pods, cpu, memory)}; the cluster has ${formatNeed(capacity.pods, capacity.cpuMillis, capacity.memoryBytes)} free`,
      at: t.now,
      data: { need: { pods, cpuMillis: cpu, memoryBytes: memory }, free: capacity },
    };
  },

  direct: (ctx): DirectTopology => ({
    workloads: [{ name: names.colour(ctx.app, 'blue'), role: 'blue', updateStrategy: rollingDefaults(ctx.strategy.progressDeadlineSeconds) }],
    services: [
      { kind: 'ensureService', name: names.primary(ctx.app), selector: roleSelector(ctx, 'blue') },
      { kind: 'ensureService', name: names.preview(ctx.app), selector: roleSelector(ctx, 'blue') },
    ],
    traffic: [],
  }),

  start(t) {
    const { ctx } = t.state;
    const oldColour = activeColour(t.state) ?? 'green';
    const colour: Colour = oldColour === 'blue' ? 'green' : 'blue';
    const r: BlueGreenRollout = { kind: 'blueGreen', stage: 'bringUp', since: t.now, colour, oldColour, checkAttempt: 1 };
    t.state.rollout = r;
    const name = names.colour(ctx.app, colour);
    // Rolling back to the release the idle colour still runs (inside the warm window): flip at once, scale nothing up.
    if (ctx.kind === 'rollback' && isSettled(t.obs.workloads[name], ctx.release, ctx.replicas)) {
      emit(t, 'StepStarted', `${name} still runs ${ctx.release}: switching back at once`, { step: 'switch', colour });
      t.state.touched.push(name);
      switchActive(t, r);
      return;
    }
    emit(t, 'StepStarted', `Bringing up ${name} with ${ctx.release} beside ${oldColour}`, { step: 'bringUp', colour });
    ensureNewWorkload(t, name, colour, previewReplicas(ctx), rollingDefaults(ctx.strategy.progressDeadlineSeconds));
  },

  advance(t) {
    const r = rollout(t);
    if (!r) return;
    const { ctx } = t.state;
    const d = doc(ctx);
    const name = names.colour(ctx.app, r.colour);
    if (r.stage === 'bringUp') {
      if (!isSettled(t.obs.workloads[name], ctx.release, previewReplicas(ctx))) {
        deadlinePassed(t, r.since, name);
        return;
      }
      effect(t, { kind: 'ensureService', name: names.preview(ctx.app), selector: roleSelector(ctx, r.colour) });
      emit(t, 'ServiceSwitched', `Preview Service ${names.preview(ctx.app)} → ${r.colour}`, { service: names.preview(ctx.app), colour: r.colour });
      r.stage = 'prePromotion';
      r.since = t.now;
      startChecks(t, d.prePromotionChecks, 'pre', r.checkAttempt);
    }
    if (r.stage === 'prePromotion') {
      if (!afterChecks(t, r, 'pre')) return;
      if (ctx.kind === 'rollback') {
        // A rollback is an order to restore what served, not a release to be judged: no second order to switch.
        emit(t, 'StepCompleted', `${r.colour} is ready with ${ctx.release}: a rollback switches without waiting for a promote`, { step: 'awaitPromotion', rollback: true });
        promoteNow(t, r);
      } else {
        r.stage = 'awaitPromotion';
        r.since = t.now;
        const auto = d.autoPromotionEnabled ? ` (auto-promotion in ${d.autoPromotionSeconds}s)` : '';
        setPhase(t, 'Paused', 'AwaitingPromotion', `${r.colour} is ready on the preview Service${auto}`);
      }
    }
    if (r.stage === 'awaitPromotion') {
      if (!d.autoPromotionEnabled || !timerDue(t, r.since, d.autoPromotionSeconds)) return;
      emit(t, 'StepCompleted', `Auto-promoted after ${d.autoPromotionSeconds}s`, { step: 'awaitPromotion', auto: true });
      promoteNow(t, r);
    }
    if (r.stage === 'scaleUp') {
      if (!isSettled(t.obs.workloads[name], ctx.release, ctx.replicas)) {
        deadlinePassed(t, r.since, name);
        return;
      }
      switchActive(t, r);
    }
    if (r.stage === 'postPromotion') {
      if (!afterChecks(t, r, 'post')) return;
      r.stage = 'scaleDownDelay';
      r.since = t.now;
      emit(t, 'StepStarted', `Keeping ${r.oldColour} warm for ${d.scaleDownDelaySeconds}s`, { step: 'scaleDownDelay', colour: r.oldColour });
    }
    if (r.stage === 'scaleDownDelay') {
      if (!timerDue(t, r.since, d.scaleDownDelaySeconds)) return;
      retireBaseline(t, [name]);
      r.stage = 'done';
      setPhase(t, 'Succeeded', null, `${ctx.release} serves from ${r.colour}`);
    }
  },

  canPromote(state): Verdict {
    const r = state.rollout;
    if (state.phase === 'Paused' && r?.kind === 'blueGreen' && (state.pauseReason === 'AwaitingPromotion' || state.pauseReason === 'Inconclusive')) {
      return { ok: true };
    }
    return { ok: false, reason: 'a blue/green deployment can be promoted only while it awaits promotion or a check was inconclusive' };
  },

  promote(t) {
    const r = rollout(t);
    if (!r) return;
    r.analysisRunId = null;
    if (r.stage === 'postPromotion') {
      // An inconclusive post-promotion check the human accepts.
      setPhase(t, 'Progressing');
      r.stage = 'scaleDownDelay';
      r.since = t.now;
      return;
    }
    promoteNow(t, r);
  },

  retryCheck(t) {
    const r = rollout(t);
    if (!r || (r.stage !== 'prePromotion' && r.stage !== 'postPromotion')) return;
    r.checkAttempt += 1;
    r.since = t.now;
    setPhase(t, 'Progressing');
    const d = doc(t.state.ctx);
    if (r.analysisRunId) {
      // The checks passed; the analysis was inconclusive: measure again.
      const where = r.stage;
      const ref = where === 'prePromotion' ? d.prePromotionAnalysis : d.postPromotionAnalysis;
      if (ref) r.analysisRunId = startAnalysis(t, ref, where, where);
      return;
    }
    startChecks(t, r.stage === 'prePromotion' ? d.prePromotionChecks : d.postPromotionChecks, r.stage === 'prePromotion' ? 'pre' : 'post', r.checkAttempt);
  },

  onUserPause: () => undefined,
};
