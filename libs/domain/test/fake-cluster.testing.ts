// A tiny in-memory model of the objects a deployment owns, for the machines' unit and property tests only: it
// applies effects the way the worker would and moves pods toward readiness when told to. Deterministic: the
// tests choose how far each `progress` goes.
import type { AnalysisPhase } from '../src/model/analysis/analysis.types';
import type { AnalysisWhere, Effect } from '../src/model/deployment/effect.types';
import type { ContainerObservation, Observation, PodObservation, WorkloadObservation } from '../src/model/deployment/observation.types';

export type Breakage = 'crash' | 'pull' | 'init' | 'slow';

interface FakeWorkload {
  name: string;
  role: string;
  release: string;
  spec: number;
  paused: boolean;
  ready: number;
  oldRelease: string | null;
  oldPods: number;
  /** Pods being deleted after a scale-down (still listed, not counted in status). */
  terminating: number;
  generation: number;
  observedGeneration: number;
}

export interface FakeClusterOptions {
  /** Releases whose pods never work, and how. */
  broken?: Record<string, Breakage>;
  /** Hooks (by name) whose Job fails. */
  failingHooks?: string[];
  /** Check names and their outcome (default Passed). */
  checkOutcome?: Record<string, 'Passed' | 'Failed' | 'Inconclusive'>;
  capacity?: Observation['capacity'];
  /**
   * Verdicts of analysis runs, by runId ("step2-1", "background-1") or by where they run ("step", "background",
   * "prePromotion", "postPromotion"). Default: Successful, but a background analysis keeps measuring (Running).
   */
  analysisOutcome?: Record<string, AnalysisPhase>;
}

export class FakeCluster {
  readonly workloads = new Map<string, FakeWorkload>();
  readonly services = new Map<string, Record<string, string>>();
  traffic: { canaryWeight: number; headerRoute: boolean } | null = null;
  readonly jobs = new Map<string, { attempt: number; hook: string; status: 'Running' | 'Complete' | 'Failed' }>();
  readonly checks = new Map<string, { name: string; status: 'Running' | 'Passed' | 'Failed' | 'Inconclusive' }>();
  readonly analyses = new Map<string, { where: AnalysisWhere; metrics: string[]; phase: AnalysisPhase }>();
  readonly applied: Effect[] = [];

  constructor(readonly options: FakeClusterOptions = {}) {}

  /** A release already serving, as a previous deployment would have left it. */
  seedWorkload(name: string, role: string, release: string, replicas: number): this {
    this.workloads.set(name, { name, role, release, spec: replicas, paused: false, ready: replicas, oldRelease: null, oldPods: 0, terminating: 0, generation: 1, observedGeneration: 1 });
    return this;
  }

  seedService(name: string, selector: Record<string, string>): this {
    this.services.set(name, selector);
    return this;
  }

  apply(effects: readonly Effect[]): void {
    for (const e of effects) {
      this.applied.push(e);
      switch (e.kind) {
        case 'ensureWorkload': {
          const w = this.workloads.get(e.name);
          if (!w) {
            this.workloads.set(e.name, { name: e.name, role: e.role, release: e.release, spec: e.replicas, paused: e.paused, ready: 0, oldRelease: null, oldPods: 0, terminating: 0, generation: 1, observedGeneration: 0 });
            break;
          }
          if (w.release !== e.release) {
            w.oldRelease = w.release;
            w.oldPods = w.ready;
            w.ready = 0;
            w.release = e.release;
            w.generation += 1;
          }
          if (w.spec !== e.replicas || w.paused !== e.paused) w.generation += 1;
          this.shrink(w, e.replicas);
          w.spec = e.replicas;
          w.paused = e.paused;
          w.role = e.role;
          break;
        }
        case 'scaleWorkload': {
          const w = this.workloads.get(e.name);
          if (w && w.spec !== e.replicas) {
            this.shrink(w, e.replicas);
            w.spec = e.replicas;
            w.generation += 1;
          }
          break;
        }
        case 'ensureService':
          this.services.set(e.name, { ...e.selector });
          break;
        case 'setCanaryWeight':
          this.traffic = { canaryWeight: e.weight, headerRoute: e.header !== null };
          break;
        case 'ensureHookJob': {
          const job = this.jobs.get(e.name);
          if (!job || job.attempt < e.attempt) this.jobs.set(e.name, { attempt: e.attempt, hook: e.hook, status: 'Running' });
          break;
        }
        case 'runCheck':
          if (!this.checks.has(e.checkId)) this.checks.set(e.checkId, { name: e.spec.name, status: 'Running' });
          break;
        case 'runAnalysis':
          if (!this.analyses.has(e.runId)) this.analyses.set(e.runId, { where: e.where, metrics: e.metrics.map((m) => m.name), phase: 'Running' });
          break;
      }
    }
  }

  private shrink(w: FakeWorkload, replicas: number): void {
    if (w.ready > replicas) {
      w.terminating += w.ready - replicas;
      w.ready = replicas;
    }
  }

  /** Moves every workload up to `pods` pods toward its spec, and finishes jobs and checks. */
  progress(pods = Number.MAX_SAFE_INTEGER, finishJobs = true): void {
    for (const w of this.workloads.values()) {
      w.observedGeneration = w.generation;
      if (w.paused) continue;
      w.oldPods = Math.max(0, w.oldPods - pods);
      w.terminating = Math.max(0, w.terminating - pods);
      if (w.oldPods === 0) w.oldRelease = null;
      const works = this.options.broken?.[w.release] === undefined;
      w.ready = works ? Math.min(w.spec, w.ready + pods) : 0;
      if (w.ready > w.spec) w.ready = w.spec;
    }
    if (!finishJobs) return;
    for (const job of this.jobs.values()) {
      if (job.status === 'Running') job.status = this.options.failingHooks?.includes(job.hook) ? 'Failed' : 'Complete';
    }
    for (const check of this.checks.values()) {
      if (check.status === 'Running') check.status = this.options.checkOutcome?.[check.name] ?? 'Passed';
    }
    for (const [runId, run] of this.analyses) {
      if (run.phase !== 'Running') continue;
      const outcome = this.options.analysisOutcome;
      run.phase = outcome?.[runId] ?? outcome?.[run.where] ?? (run.where === 'background' ? 'Running' : 'Successful');
    }
  }

  observe(): Observation {
    const workloads: Record<string, WorkloadObservation> = {};
    const pods: PodObservation[] = [];
    for (const w of this.workloads.values()) {
      const ready = Math.min(w.ready, w.spec);
      workloads[w.name] = {
        name: w.name,
        role: w.role,
        release: w.release,
        generation: w.generation,
        observedGeneration: w.observedGeneration,
        specReplicas: w.spec,
        paused: w.paused,
        replicas: w.spec + w.oldPods,
        updatedReplicas: w.spec,
        readyReplicas: ready + w.oldPods,
        availableReplicas: ready + w.oldPods,
        unavailableReplicas: w.spec - ready,
        conditions: [],
      };
      for (let i = 0; i < w.spec; i++) pods.push(this.pod(w, w.release, i, i < ready));
      for (let i = 0; i < w.oldPods; i++) pods.push(this.pod(w, w.oldRelease ?? 'old', i, true));
      for (let i = 0; i < w.terminating; i++) pods.push({ ...this.pod(w, w.release, w.spec + i, false), terminating: true });
    }
    const services = Object.fromEntries([...this.services].map(([name, selector]) => [name, { name, selector }]));
    const jobs = Object.fromEntries(
      [...this.jobs].map(([name, j]) => [name, { name, attempt: j.attempt, active: j.status === 'Running' ? 1 : 0, succeeded: j.status === 'Complete' ? 1 : 0, failed: j.status === 'Failed' ? 1 : 0, status: j.status, message: j.status === 'Failed' ? 'BackoffLimitExceeded' : null }]),
    );
    const checks = Object.fromEntries(
      [...this.checks].map(([id, c]) => [id, { checkId: id, status: c.status, successes: c.status === 'Passed' ? 1 : 0, failures: c.status === 'Failed' ? 1 : 0, message: null }]),
    );
    const analyses: Observation['analyses'] = {};
    for (const [runId, run] of this.analyses) {
      if (run.phase === 'Running') continue;
      const metrics = run.metrics.map((name) => ({ name, phase: run.phase, measurements: 1, successful: run.phase === 'Successful' ? 1 : 0, failed: run.phase === 'Failed' ? 1 : 0, inconclusive: run.phase === 'Inconclusive' ? 1 : 0, error: run.phase === 'Error' ? 1 : 0, consecutiveErrors: run.phase === 'Error' ? 1 : 0, message: null, lastValue: '1' }));
      analyses[runId] = { runId, phase: run.phase, message: `fake ${run.phase}`, metrics };
    }
    return { workloads, pods, services, traffic: this.traffic, jobs, checks, analyses, capacity: this.options.capacity ?? null };
  }

  private pod(w: FakeWorkload, release: string, i: number, ready: boolean): PodObservation {
    const breakage = this.options.broken?.[release];
    const running: ContainerObservation = { name: 'app', state: 'running', reason: null, exitCode: null, restartCount: 0, ready };
    let containers = [running];
    let initContainers: ContainerObservation[] = [{ name: 'migrate', state: 'terminated', reason: 'Completed', exitCode: 0, restartCount: 0, ready: false }];
    if (breakage === 'crash') containers = [{ ...running, state: 'waiting', reason: 'CrashLoopBackOff', exitCode: 1, restartCount: 3, ready: false }];
    if (breakage === 'pull') containers = [{ ...running, state: 'waiting', reason: 'ImagePullBackOff', ready: false }];
    if (breakage === 'slow') containers = [{ ...running, ready: false }];
    if (breakage === 'init') {
      initContainers = [{ name: 'migrate', state: 'waiting', reason: 'CrashLoopBackOff', exitCode: 1, restartCount: 2, ready: false }];
      containers = [{ ...running, state: 'waiting', reason: 'PodInitializing', ready: false }];
    }
    return { name: `${w.name}-${release}-${i}`, workload: w.name, role: w.role, release, phase: breakage && breakage !== 'slow' ? 'Pending' : 'Running', ready: ready && !breakage, terminating: false, initContainers, containers };
  }

  desiredPods(): number {
    let total = 0;
    for (const w of this.workloads.values()) total += w.spec;
    return total;
  }
}
