import { describe, expect, it } from 'vitest';
import { currentStepOf, deploymentContextOf, describePodProgress, podRequestsOf, initialDeploymentState, parseStrategyDocument, plan, type DeploymentState, type PodObservation, type RolloutState } from '@cutover/domain';
import { ifMatchAllows } from './deployment.mapper';
import { progressOf } from './deployment-status.mapper';

function doc(input: unknown) {
  const parsed = parseStrategyDocument(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

const emptySpec = { podSpec: { containers: [], initContainers: [], volumes: [], terminationGracePeriodSeconds: 30 }, podLabels: {}, podAnnotations: {}, hooks: { preDeploy: [] } };

function stateOf(strategy: unknown, rollout: RolloutState | null, extra: Partial<DeploymentState> = {}): DeploymentState {
  const ctx = deploymentContextOf({ app: 'shop', environment: 'prod', replicas: 4, release: { version: 'v2', spec: emptySpec as never }, previousRelease: 'v1', kind: 'deploy', strategy: doc(strategy) });
  return { ...initialDeploymentState(ctx, 0), phase: 'Progressing', rollout, ...extra };
}

describe('currentStepOf: the rollout stage as an index into plan().steps', () => {
  const bg = doc({ type: 'BlueGreen', prePromotionChecks: [{ url: 'http://127.0.0.1/x', count: 1 }] });
  const titles = plan(bg, 4).steps.map((s) => s.title);
  const bgRollout = (stage: string): RolloutState => ({ kind: 'blueGreen', stage, since: 0, colour: 'green', oldColour: 'blue', checkAttempt: 1 }) as RolloutState;

  it.each([
    ['bringUp', /^Bring the new colour up/],
    ['prePromotion', /^Pre-promotion checks/],
    ['awaitPromotion', /^Await promotion/],
    ['scaleUp', /^Switch the active Service/],
    ['scaleDownDelay', /^Keep the previous colour warm/],
    ['done', /^Keep the previous colour warm/],
  ])('BlueGreen %s → %s', (stage, title) => {
    const index = currentStepOf(bg, bgRollout(stage), titles.length);
    expect(index).not.toBeNull();
    expect(titles[index!]).toMatch(title);
  });

  it('skips the check steps a document does not have', () => {
    const plain = doc({ type: 'BlueGreen' });
    const steps = plan(plain, 4).steps;
    expect(steps[currentStepOf(plain, bgRollout('awaitPromotion'), steps.length)!].title).toBe('Await promotion');
  });

  it('Canary: the step index while running steps, the finishing step after', () => {
    const c = doc({ type: 'Canary', steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }] });
    const n = plan(c, 4).steps.length;
    const r = (stage: 'steps' | 'finish' | 'done', stepIndex: number): RolloutState => ({ kind: 'canary', stage, since: 0, stepIndex, stepEntered: true, weight: 20, scale: null, checkAttempt: 1 });
    expect(currentStepOf(c, r('steps', 1), n)).toBe(1);
    expect(currentStepOf(c, r('finish', 3), n)).toBe(n - 1);
    expect(currentStepOf(c, null, n)).toBeNull();
  });

  it('Recreate and RollingUpdate; a direct rollout has no step', () => {
    const rec = doc({ type: 'Recreate' });
    expect(currentStepOf(rec, { kind: 'recreate', stage: 'scaleDown', since: 0, downtimeStartedAt: 0 }, 2)).toBe(0);
    expect(currentStepOf(rec, { kind: 'recreate', stage: 'up', since: 0, downtimeStartedAt: 0 }, 2)).toBe(1);
    expect(currentStepOf(doc({ type: 'RollingUpdate' }), { kind: 'rolling', stage: 'rolling', since: 0 }, 1)).toBe(0);
    expect(currentStepOf(rec, { kind: 'direct', stage: 'up', since: 0 }, 2)).toBeNull();
  });
});

describe('progressOf', () => {
  const pod = (over: Partial<PodObservation>): PodObservation => ({
    name: 'p',
    workload: 'shop-green',
    role: 'green',
    release: 'v2',
    phase: 'Pending',
    ready: false,
    terminating: false,
    initContainers: [],
    containers: [{ name: 'web', state: 'running', reason: null, exitCode: null, restartCount: 0, ready: true }],
    ...over,
  });

  it('blue/green awaiting promotion: both colours desired at the plan step, no traffic on the new one, failed init containers described', () => {
    const s = stateOf({ type: 'BlueGreen', previewReplicaCount: 2 }, { kind: 'blueGreen', stage: 'awaitPromotion', since: 0, colour: 'green', oldColour: 'blue', checkAttempt: 1 }, { phase: 'Paused', pauseReason: 'AwaitingPromotion' });
    // What decide's statusView keeps in state.status after the worker observed the cluster.
    const withObs = {
      ...s,
      status: {
        observedAt: 0,
        step: null,
        sides: [{ side: 'green', workload: 'shop-green', release: 'v2', desired: 2, updated: 2, ready: 1, available: 1 }],
        newTrafficPercent: 0,
        services: { shop: { 'cutover.dev/role': 'blue' } },
        pods: [
          { name: 'a', workload: 'shop-green', release: 'v2', phase: 'Running', ready: true, progress: 'Running, ready' },
          { name: 'b', workload: 'shop-green', release: 'v2', phase: 'Pending', ready: false, progress: describePodProgress(pod({ name: 'b', initContainers: [{ name: 'migrate', state: 'waiting', reason: 'CrashLoopBackOff', exitCode: 1, restartCount: 3, ready: false }] })) },
        ],
      },
    } as DeploymentState;
    const p = progressOf(withObs);
    expect(p.plan.steps[p.currentStep!].title).toBe('Await promotion');
    expect(p.sides).toEqual([
      { side: 'previous', workload: 'shop-blue', release: 'v1', desired: 4, updated: null, ready: null, available: null },
      { side: 'new', workload: 'shop-green', release: 'v2', desired: 2, updated: 2, ready: 1, available: 1 },
    ]);
    expect(p.services).toEqual([{ name: 'shop', selector: { 'cutover.dev/role': 'blue' }, source: 'observed' }]);
    expect(p.trafficWeight).toBe(0);
    expect(p.pods.total).toBe(2);
    expect(p.pods.ready).toBe(1);
    expect(p.pods.items[1]!.progress).toBe('`migrate` failed, exit 1, Init:CrashLoopBackOff');
  });

  it('a row without machine state yet shows an empty plan instead of failing', () => {
    const p = progressOf({} as DeploymentState);
    expect(p).toMatchObject({ currentStep: null, sides: [], trafficWeight: null, pods: { total: 0 } });
    expect(p.plan.steps).toEqual([]);
  });

  it('without an observation: baseline selectors, no pods, desired only', () => {
    const s = stateOf({ type: 'Canary', trafficRouting: { type: 'nginx', host: 'shop.local' }, steps: [{ setWeight: 30 }, { pause: {} }] }, { kind: 'canary', stage: 'steps', since: 0, stepIndex: 1, stepEntered: true, weight: 30, scale: null, checkAttempt: 1 }, {
      baseline: { workloads: [], services: [{ name: 'shop', selector: { a: 'b' } }] },
    });
    const p = progressOf(s);
    expect(p.trafficWeight).toBe(30);
    expect(p.services).toEqual([{ name: 'shop', selector: { a: 'b' }, source: 'baseline' }]);
    expect(p.pods).toEqual({ total: 0, ready: 0, items: [] });
    expect(p.sides.map((x) => x.desired)).toEqual([4, 2]);
  });
});

describe('podRequestsOf', () => {
  const container = (name: string, requests?: Record<string, string>) => ({ name, image: 'x', imagePullPolicy: 'IfNotPresent', ...(requests ? { resources: { requests } } : {}) });

  it('sums app containers, takes the largest init container when it is more, rounds up', () => {
    const spec = { ...emptySpec, podSpec: { ...emptySpec.podSpec, containers: [container('a', { cpu: '250m', memory: '64Mi' }), container('b', { cpu: '0.1' })], initContainers: [container('i', { cpu: '500m', memory: '1Mi' })] } };
    expect(podRequestsOf(spec as never)).toEqual({ cpuMillis: 500, memoryBytes: 64 * 1024 * 1024 });
    expect(podRequestsOf({ ...emptySpec, podSpec: { ...emptySpec.podSpec, containers: [container('a', { cpu: '1.0005m' })] } } as never)).toEqual({ cpuMillis: 2, memoryBytes: 0 });
    expect(podRequestsOf({ ...emptySpec, podSpec: { ...emptySpec.podSpec, containers: [container('a')] } } as never)).toBeNull();
  });
});

describe('ifMatchAllows', () => {
  it.each([
    [undefined, 3, true],
    ['W/"3"', 3, true],
    ['"3"', 3, true],
    ['*', 3, true],
    ['W/"2", W/"3"', 3, true],
    ['W/"2"', 3, false],
    ['3', 3, false],
  ])('%s vs version %d → %s', (header, version, ok) => {
    expect(ifMatchAllows(header, version)).toBe(ok);
  });
});
