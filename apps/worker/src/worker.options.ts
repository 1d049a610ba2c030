// Knobs of the worker beyond the environment config (tests and benches tune them; defaults suit production).
import type { RateLimit, WatchOptions } from '@cutover/k8s';

export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');

export interface WorkerOptions {
  /** Per-cluster client-side rate limit; overrides the config's KUBE_QPS / KUBE_BURST (default 50 qps, burst 100). */
  rateLimit?: RateLimit;
  /** Watch restart policy (quiet period, back-off) and whether the cache keeps only what ticks read (default true). */
  watch?: Pick<WatchOptions, 'quietMs' | 'retryMs' | 'trim'>;
  /**
   * BullMQ lock duration (default 15 s): the job of a worker that is gone is freed at once (no Redis connection left);
   * only a hung worker's job waits for its lock to expire (docs/adr/0008-worker-crash-recovery.md).
   */
  lockDurationMs?: number;
  /** How often some worker frees jobs of dead workers and moves unlocked ones back to wait (default 1 s, shared). */
  stalledIntervalMs?: number;
  /** Paced wake-ups per second when many deployments are woken at once: worker start, watch relist (default 200). */
  wakeRate?: number;
  /**
   * Only reconcile deployments on these clusters (default: all). Lets a worker serve a subset of clusters (one per
   * region), and keeps test stacks that share one database from picking up each other's deployments.
   */
  clusterIds?: string[];
  /** Collapse bursts of watch events for one deployment into one wake (default 15 ms). */
  wakeDebounceMs?: number;
  /** Dispatch and deliver notifications (default true). */
  notifications?: boolean;
  /** The dispatcher reads the event feed at least this often even without a Redis nudge (default 5 s). */
  notificationPollMs?: number;
}
