// Injected faults for reliability tests: latency, failure rates per verb/resource, cutting every open watch.
import { ApiError, tooManyRequests } from '../store/api-error';

export interface FailureRule {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. Any when absent. */
  verb?: string;
  /** Plural resource name, e.g. "deployments" (optionally with subresource: "deployments/scale"). Any when absent. */
  resource?: string;
  /** 0..1: share of matching requests that fail. */
  rate: number;
  status: 500 | 429;
  retryAfterSeconds?: number;
}

export interface FaultSpec {
  latencyMs?: number;
  failures?: FailureRule[];
  /** Cut every open watch now (one-shot; not stored). */
  cutWatches?: boolean;
}

export interface FaultState {
  latencyMs: number;
  failures: FailureRule[];
}

export class Faults {
  private state: FaultState = { latencyMs: 0, failures: [] };
  private readonly cutters = new Set<() => void>();

  /** Replaces the current faults (latency and failures); `cutWatches: true` also cuts open watches once. */
  set(spec: FaultSpec): void {
    validateSpec(spec);
    this.state = { latencyMs: spec.latencyMs ?? 0, failures: [...(spec.failures ?? [])] };
    if (spec.cutWatches) this.cutWatches();
  }

  clear(): void {
    this.state = { latencyMs: 0, failures: [] };
  }

  current(): FaultState {
    return { latencyMs: this.state.latencyMs, failures: [...this.state.failures] };
  }

  /** Ends every open watch abruptly (socket destroyed), as a dropped connection would. */
  cutWatches(): number {
    const n = this.cutters.size;
    for (const cut of [...this.cutters]) cut();
    return n;
  }

  /** Watches register how to cut themselves; the returned function unregisters. */
  registerWatch(cut: () => void): () => void {
    this.cutters.add(cut);
    return () => this.cutters.delete(cut);
  }

  latencyMs(): number {
    return this.state.latencyMs;
  }

  /** The failure to answer for this request, if a rule fires. */
  failureFor(verb: string, resource: string, subresource?: string): ApiError | undefined {
    for (const rule of this.state.failures) {
      if (rule.verb && rule.verb !== verb) continue;
      if (rule.resource && rule.resource !== resource && rule.resource !== `${resource}/${subresource ?? ''}`) continue;
      if (Math.random() >= rule.rate) continue;
      if (rule.status === 429) return tooManyRequests(rule.retryAfterSeconds ?? 1);
      return new ApiError(500, 'InternalError', 'Internal error occurred: injected fault (kube-sim)', {});
    }
    return undefined;
  }
}

function validateSpec(spec: FaultSpec): void {
  if (spec.latencyMs !== undefined && (typeof spec.latencyMs !== 'number' || spec.latencyMs < 0)) throw new Error('latencyMs must be a number ≥ 0');
  for (const f of spec.failures ?? []) {
    if (typeof f.rate !== 'number' || f.rate < 0 || f.rate > 1) throw new Error('failures[].rate must be between 0 and 1');
    if (f.status !== 500 && f.status !== 429) throw new Error('failures[].status must be 500 or 429');
  }
}
