// The controller manager, scheduler and kubelets of the simulated cluster. The API server calls startControllers
// once the store exists; everything reacts to store events and a shared timer heap (no polling).
import type { ObjectStore } from '../store/store.types';
import { Kubelet } from '../kubelet/kubelet';
import { ensureNodes, nodeName } from '../kubelet/nodes';
import { Scheduler } from '../kubelet/scheduler';
import { DeploymentController } from './deployment/deployment.controller';
import { EndpointSliceController } from './endpoints/endpointslice.controller';
import { EndpointsController } from './endpoints/endpoints.controller';
import { GarbageCollector } from './gc/garbage-collector.controller';
import { JobController } from './job/job.controller';
import { ReplicaSetController } from './replicaset/replicaset.controller';
import { ControllerContext } from './runtime/controller-context';

export interface ControllerOptions {
  /** Simulated nodes (KUBE_SIM_NODES), default 3, each 4 CPU and 8Gi allocatable. */
  nodes: number;
  /** Divides every simulated delay (KUBE_SIM_TIME_SCALE), default 1. */
  timeScale: number;
  /** Images that cannot be pulled here (shared, so it can change while the cluster runs). */
  missingImages?: Set<string>;
}

export interface ControllerManager {
  stop(): void;
  /** Simulated "now" in epoch ms (timestamps the controllers write use this clock). */
  now(): number;
}

export function startControllers(store: ObjectStore, opts: ControllerOptions): ControllerManager {
  const nodes = Math.max(0, Math.floor(opts.nodes ?? 3));
  const ctx = new ControllerContext(store, opts.timeScale > 0 ? opts.timeScale : 1, opts.missingImages);
  ensureNodes(store, nodes, ctx.clock);
  const names = Array.from({ length: nodes }, (_, i) => nodeName(i + 1));
  new GarbageCollector(ctx);
  // Registered before the deployment controller so that, as on a real cluster (where the ReplicaSet controller's
  // pod deletion is one API round trip and the new pod two), a scaled-down ReplicaSet's pods are terminating
  // before the Deployment scales the new ReplicaSet up.
  new ReplicaSetController(ctx);
  new DeploymentController(ctx);
  new EndpointsController(ctx);
  new EndpointSliceController(ctx);
  new JobController(ctx);
  new Scheduler(ctx);
  new Kubelet(ctx, names);
  return {
    stop: () => ctx.stop(),
    now: () => ctx.clock.now(),
  };
}

