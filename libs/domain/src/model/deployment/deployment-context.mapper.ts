// The facts a deployment's machine state is born with (DeploymentContext), from the rows the api (a single
// deployment) or the worker (a wave run's) has read.
import { parseQuantity } from '../release/quantity.rules';
import type { Container, ReleaseSpec } from '../release/release.types';
import type { StrategyDocument } from '../strategy-document/strategy-document.types';
import type { DeploymentContext } from './deployment.types';

interface Requests {
  cpuMillis: number;
  memoryBytes: number;
}

function amount(text: string | undefined, scale: bigint): number {
  if (text === undefined) return 0;
  const q = parseQuantity(text);
  if (!q) return 0;
  // Round up: a fraction of a millicore or byte still has to fit somewhere.
  return Number((q.num * scale + q.den - 1n) / q.den);
}

function requestsOf(c: Container): Requests {
  return { cpuMillis: amount(c.resources?.requests?.cpu, 1000n), memoryBytes: amount(c.resources?.requests?.memory, 1n) };
}

/**
 * What one pod asks the scheduler for, as Kubernetes computes it: the sum over app containers, or the largest init
 * container when that is more (they run one at a time, before the app containers). null when it asks for nothing.
 */
export function podRequestsOf(spec: ReleaseSpec): Requests | null {
  const app = spec.podSpec.containers.map(requestsOf).reduce((a, b) => ({ cpuMillis: a.cpuMillis + b.cpuMillis, memoryBytes: a.memoryBytes + b.memoryBytes }), { cpuMillis: 0, memoryBytes: 0 });
  const init = (spec.podSpec.initContainers ?? []).map(requestsOf);
  const cpuMillis = Math.max(app.cpuMillis, ...init.map((r) => r.cpuMillis));
  const memoryBytes = Math.max(app.memoryBytes, ...init.map((r) => r.memoryBytes));
  return cpuMillis === 0 && memoryBytes === 0 ? null : { cpuMillis, memoryBytes };
}

export interface ContextInput {
  app: string;
  environment: string;
  replicas: number;
  release: { version: string; spec: ReleaseSpec };
  previousRelease: string | null;
  kind: 'deploy' | 'rollback';
  strategy: StrategyDocument;
}

export function deploymentContextOf(input: ContextInput): DeploymentContext {
  return {
    app: input.app,
    environment: input.environment,
    release: input.release.version,
    previousRelease: input.previousRelease,
    kind: input.kind,
    replicas: input.replicas,
    strategy: input.strategy,
    preDeployHooks: (input.release.spec.hooks?.preDeploy ?? []).map((h) => h.name),
    podRequests: podRequestsOf(input.release.spec),
  };
}
