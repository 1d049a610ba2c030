// A kubelet stand-in for every simulated node: drives pod status through sandbox, image pulls, init containers,
// app containers, readiness, crashes with back-off, and graceful shutdown, all on the shared timer heap.
import type { KubeObject, StoreEvent } from '../store/store.types';
import type { ControllerContext } from '../controllers/runtime/controller-context';
import { keyOf, R, sameResource } from '../controllers/runtime/resources';
import { Annotations, backoffMs, isBroken, isFailJob, isUnpullable, podBehaviour, qosClass, Timing, type PodBehaviour } from './behaviour';
import { nodeIP, podCidrPrefix } from './nodes';
import { imageIdOf, newContainer, newContainerId, podPhase, refreshConditions, renderStatus, type ContainerModel, type PodModel } from './pod-status';

interface PodRuntime {
  key: string;
  uid: string;
  ns: string;
  name: string;
  node: string;
  /** Bumped to invalidate every pending step (shutdown, removal). */
  epoch: number;
  model: PodModel;
  behaviour: PodBehaviour;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  pod: KubeObject;
  shuttingDown: boolean;
  /** Pull attempts per container name (image back-off) and crash count per container (restart back-off). */
  pullFailures: Map<string, number>;
  crashes: Map<string, number>;
}

export class Kubelet {
  private readonly pods = new Map<string, PodRuntime>();
  private readonly nodeIndex = new Map<string, number>();
  private readonly nextIp = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext, nodeNames: string[]) {
    nodeNames.forEach((n, i) => this.nodeIndex.set(n, i + 1));
    ctx.on((ev) => this.onEvent(ev));
    for (const p of ctx.pods.list()) this.observe(p);
  }

  private onEvent(ev: StoreEvent): void {
    if (!sameResource(ev.resource, R.pods)) return;
    if (ev.type === 'DELETED') {
      const rt = this.pods.get(keyOf(ev.object));
      if (rt && rt.uid === ev.object.metadata.uid) {
        rt.epoch++;
        this.pods.delete(rt.key);
      }
      return;
    }
    this.observe(ev.object);
  }

  private observe(pod: KubeObject): void {
    const key = keyOf(pod);
    const rt = this.pods.get(key);
    if (rt && rt.uid === pod.metadata.uid) {
      rt.pod = pod;
      if (pod.metadata.deletionTimestamp && !rt.shuttingDown) this.shutdown(rt);
      return;
    }
    const node = pod.spec?.nodeName;
    if (!node || !this.nodeIndex.has(node)) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    this.start(pod, node);
  }

  private now(): string {
    return this.ctx.clock.timestamp();
  }

  private after(rt: PodRuntime, ms: number, fn: () => void): void {
    const epoch = rt.epoch;
    this.ctx.timers.after(ms, () => {
      if (rt.epoch === epoch && this.pods.get(rt.key) === rt) fn();
    });
  }

  private event(rt: PodRuntime, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.ctx.recorder.record(rt.pod, type, reason, message, 'kubelet', { host: rt.node, fieldPath });
  }

  private write(rt: PodRuntime): void {
    refreshConditions(rt.model, this.now());
    const updated = this.ctx.store.mutateStatus(R.pods, rt.ns, rt.name, (o) => {
      if (o.metadata.uid !== rt.uid) return;
      const scheduled = (o.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
      o.status = renderStatus(rt.model, scheduled);
    });
    if (!updated || updated.metadata.uid !== rt.uid) {
      rt.epoch++;
      this.pods.delete(rt.key);
    }
  }

  private start(pod: KubeObject, node: string): void {
    const idx = this.nodeIndex.get(node)!;
    const rt: PodRuntime = {
      key: keyOf(pod),
      uid: pod.metadata.uid!,
      ns: pod.metadata.namespace!,
      name: pod.metadata.name,
      node,
      epoch: 0,
      pod,
      behaviour: podBehaviour(pod),
      restartPolicy: pod.spec?.restartPolicy ?? 'Always',
      shuttingDown: false,
      pullFailures: new Map(),
      crashes: new Map(),
      model: {
        hostIP: nodeIP(idx),
        startTime: this.now(),
        sandboxReady: false,
        init: (pod.spec?.initContainers ?? []).map(newContainer),
        app: (pod.spec?.containers ?? []).map(newContainer),
        conditions: {},
        qosClass: qosClass(pod),
      },
    };
    if (rt.model.init.length === 0) for (const c of rt.model.app) c.state = { waiting: { reason: 'ContainerCreating' } };
    this.pods.set(rt.key, rt);
    if (pod.metadata.deletionTimestamp) {
      this.shutdown(rt);
      return;
    }
    this.after(rt, 5, () => {
      this.write(rt);
      this.after(rt, Timing.sandboxMs, () => {
        rt.model.sandboxReady = true;
        rt.model.podIP = this.allocateIp(node, idx);
        this.write(rt);
        this.runInit(rt, 0);
      });
    });
  }

  private allocateIp(node: string, idx: number): string {
    const n = this.nextIp.get(node) ?? 2;
    this.nextIp.set(node, n >= 254 ? 2 : n + 1);
    return `${podCidrPrefix(idx)}.${n}`;
  }

  private fieldPath(rt: PodRuntime, c: ContainerModel): string {
    return rt.model.init.includes(c) ? `spec.initContainers{${c.name}}` : `spec.containers{${c.name}}`;
  }

  /** Pull (or find) the image, then call `then`; an unpullable image cycles ErrImagePull → ImagePullBackOff. */
  private pull(rt: PodRuntime, c: ContainerModel, then: () => void): void {
    const fp = this.fieldPath(rt, c);
    if (c.imageID) {
      this.event(rt, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, fp);
      then();
      return;
    }
    this.event(rt, 'Normal', 'Pulling', `Pulling image "${c.image}"`, fp);
    this.after(rt, Timing.pullMs, () => {
      if (isUnpullable(c.image) || this.ctx.missingImages.has(c.image)) {
        const attempt = (rt.pullFailures.get(c.name) ?? 0) + 1;
        rt.pullFailures.set(c.name, attempt);
        const ref = c.image;
        const msg = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
        c.state = { waiting: { reason: 'ErrImagePull', message: msg } };
        this.event(rt, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${msg}`, fp);
        this.event(rt, 'Warning', 'Failed', 'Error: ErrImagePull', fp);
        this.write(rt);
        this.after(rt, 1000, () => {
          c.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
          this.event(rt, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, fp);
          this.event(rt, 'Warning', 'Failed', 'Error: ImagePullBackOff', fp);
          this.write(rt);
          this.after(rt, backoffMs(attempt), () => this.pull(rt, c, then));
        });
        return;
      }
      c.imageID = imageIdOf(c.image);
      this.event(rt, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${Timing.pullMs}ms (${Timing.pullMs}ms including waiting). Image size: 4194304 bytes.`, fp);
      then();
    });
  }

  private run(rt: PodRuntime, c: ContainerModel): void {
    const fp = this.fieldPath(rt, c);
    c.containerID = newContainerId();
    c.state = { running: { startedAt: this.now() } };
    c.started = true;
    c.everRan = true;
    this.event(rt, 'Normal', 'Created', `Created container: ${c.name}`, fp);
    this.event(rt, 'Normal', 'Started', `Started container ${c.name}`, fp);
  }

  private terminate(c: ContainerModel, exitCode: number): void {
    const startedAt = 'running' in c.state ? c.state.running.startedAt : null;
    c.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: this.now(), ...(c.containerID ? { containerID: c.containerID } : {}) } };
    c.ready = false;
    c.started = false;
  }

  /** After a crash: CrashLoopBackOff for the back-off period, then start again with restartCount + 1. */
  private crashLoop(rt: PodRuntime, c: ContainerModel, restart: () => void): void {
    const n = (rt.crashes.get(c.name) ?? 0) + 1;
    rt.crashes.set(c.name, n);
    const delay = backoffMs(n);
    this.after(rt, 5, () => {
      c.lastState = c.state;
      c.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatGoDuration(delay)} restarting failed container=${c.name} pod=${rt.name}_${rt.ns}(${rt.uid})` } };
      this.event(rt, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${rt.name}_${rt.ns}(${rt.uid})`, this.fieldPath(rt, c));
      this.write(rt);
      this.after(rt, delay, () => {
        c.restartCount++;
        restart();
      });
    });
  }

  private runInit(rt: PodRuntime, i: number): void {
    const c = rt.model.init[i];
    if (!c) {
      this.startApps(rt);
      return;
    }
    this.pull(rt, c, () => {
      this.run(rt, c);
      this.write(rt);
      this.after(rt, rt.behaviour.initMs, () => {
        if (rt.behaviour.initFail === c.name) {
          this.terminate(c, 1);
          this.write(rt);
          if (rt.restartPolicy === 'Never') {
            this.finish(rt);
            return;
          }
          this.crashLoop(rt, c, () => this.runInit(rt, i));
          return;
        }
        this.terminate(c, 0);
        c.ready = true;
        this.write(rt);
        this.runInit(rt, i + 1);
      });
    });
  }

  private startApps(rt: PodRuntime): void {
    if (rt.model.init.length > 0) {
      for (const c of rt.model.app) c.state = { waiting: { reason: 'ContainerCreating' } };
      this.after(rt, 5, () => this.write(rt));
    }
    for (const c of rt.model.app) this.pull(rt, c, () => this.runApp(rt, c));
  }

  private runApp(rt: PodRuntime, c: ContainerModel): void {
    this.run(rt, c);
    this.write(rt);
    const runToCompletion = rt.restartPolicy !== 'Always';
    const exitAfter = isBroken(c.image) ? rt.behaviour.exitAfterMs ?? Timing.defaultBrokenExitMs : runToCompletion ? rt.behaviour.exitAfterMs ?? Timing.defaultJobRunMs : rt.behaviour.exitAfterMs;
    // A container without a readiness probe is Ready while it runs (recorded on v1.32, a Job's pod that fails later
    // included). For run-to-completion pods that is what we model; a long-running app's readiness keeps its
    // stand-in delay (the ready-after annotation, default 1 s), as most apps have a probe.
    const spec = (rt.pod.spec?.containers ?? []).find((x: { name: string }) => x.name === c.name) as { readinessProbe?: unknown } | undefined;
    const readyAfter = runToCompletion && !spec?.readinessProbe && rt.pod.metadata.annotations?.[Annotations.readyAfter] === undefined ? 0 : rt.behaviour.readyAfterMs;
    if (exitAfter === undefined || readyAfter < exitAfter) {
      this.after(rt, readyAfter, () => {
        if (!('running' in c.state)) return;
        c.ready = true;
        this.write(rt);
      });
    }
    if (exitAfter === undefined) return;
    this.after(rt, exitAfter, () => {
      const code = isBroken(c.image) || isFailJob(c.image) ? 1 : 0;
      this.terminate(c, code);
      this.write(rt);
      if (rt.restartPolicy === 'Always' || (rt.restartPolicy === 'OnFailure' && code !== 0)) {
        this.crashLoop(rt, c, () => this.pull(rt, c, () => this.runApp(rt, c)));
        return;
      }
      if (rt.model.app.every((x) => 'terminated' in x.state)) this.finish(rt);
    });
  }

  /** A run-to-completion pod whose containers all exited: terminal phase, and the kubelet stops tracking it. */
  private finish(rt: PodRuntime): void {
    const failed = [...rt.model.init, ...rt.model.app].some((c) => 'terminated' in c.state && c.state.terminated.exitCode !== 0);
    rt.model.terminalPhase = failed ? 'Failed' : 'Succeeded';
    this.write(rt);
    rt.epoch++;
    this.pods.delete(rt.key);
  }

  /** Graceful deletion: stop containers after ~300 ms, report the terminal phase, then remove the pod (grace 0). */
  private shutdown(rt: PodRuntime): void {
    rt.shuttingDown = true;
    rt.epoch++;
    for (const c of rt.model.app) if ('running' in c.state) this.event(rt, 'Normal', 'Killing', `Stopping container ${c.name}`, this.fieldPath(rt, c));
    this.after(rt, Timing.stopMs, () => {
      let neverRan = false;
      for (const c of [...rt.model.init, ...rt.model.app]) {
        if ('running' in c.state) this.terminate(c, 0);
        else if ('waiting' in c.state) {
          neverRan = true;
          c.state = {
            terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: null, finishedAt: this.now() },
          };
          c.ready = false;
          c.started = false;
        }
      }
      if (!rt.model.terminalPhase) rt.model.terminalPhase = neverRan || podPhase({ ...rt.model, terminalPhase: undefined }) === 'Pending' ? 'Failed' : 'Succeeded';
      this.write(rt);
      this.after(rt, Timing.removeAfterStopMs, () => {
        this.ctx.store.delete(R.pods, rt.ns, rt.name, { gracePeriodSeconds: 0, preconditions: { uid: rt.uid } });
      });
    });
  }
}

/** Go's time.Duration String for whole seconds: 10s, 1m20s, 5m0s. */
function formatGoDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${s % 60}s`;
}
