// Placeholder: the controller manager (deployment, replicaset, endpoints, job, garbage collector) and the kubelet
// stand-in replace this file. The API server calls startControllers once the store exists.
import type { ObjectStore } from '../store/store.types';

export interface ControllerOptions {
  /** Simulated nodes (KUBE_SIM_NODES), default 3, each 4 CPU and 8Gi allocatable. */
  nodes: number;
  /** Divides every simulated delay (KUBE_SIM_TIME_SCALE), default 1. */
  timeScale: number;
}

export interface ControllerManager {
  stop(): void;
}

export function startControllers(_store: ObjectStore, _opts: ControllerOptions): ControllerManager {
  return { stop() {} };
}
