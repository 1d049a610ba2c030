// What the dashboard reads from the REST api (docs/api: openapi.json). Only the fields it shows.

export type Role = 'viewer' | 'deployer' | 'admin' | 'system';

export interface Session {
  name: string;
  role: Role;
  scopes: { apps?: string[]; environments?: string[] };
  csrfToken: string | null;
  expiresAt: string | null;
}

export type Attention = 'awaiting-promotion' | 'inconclusive-analysis' | 'paused' | 'cluster-unreachable' | 'failed';

export interface OverviewItem {
  app: string;
  environment: string;
  cluster: string;
  namespace: string;
  strategy: string | null;
  protected: boolean;
  serving: string | null;
  deploymentId: string | null;
  kind: string | null;
  release: string | null;
  phase: string | null;
  pauseReason: string | null;
  failureReason: string | null;
  attention: Attention | null;
  updatedAt: string | null;
}

export interface PlanStep {
  index: number;
  title: string;
  replicas: Record<string, number>;
  newTrafficPercent: number;
  peakPods: number;
  wait: { type?: string; seconds?: number | null; autoAfterSeconds?: number | null } | null;
}

export interface Plan {
  strategy: string;
  replicas: number;
  steps: PlanStep[];
  peakPods: number;
  extraPods: number;
  minimumDurationSeconds: number;
}

export interface Side {
  side: string;
  workload: string | null;
  release: string | null;
  desired: number | null;
  updated: number | null;
  ready: number | null;
  available: number | null;
}

export interface Pod {
  name: string;
  workload: string | null;
  release: string | null;
  phase: string;
  ready: boolean;
  progress: string;
}

export interface TimelineEvent {
  seq: string;
  type: string;
  message: string;
  data: unknown;
  actor: string | null;
  createdAt: string;
}

export interface Command {
  id: string;
  type: string;
  actor: string;
  reason: string | null;
  status: string;
  result: string | null;
  createdAt: string;
}

export interface Deployment {
  id: string;
  app: string;
  environment: string;
  release: string;
  previousRelease: string | null;
  kind: string;
  rollbackOf: string | null;
  phase: string;
  pauseReason: string | null;
  active: boolean;
  strategy: { type?: string } & Record<string, unknown>;
  reason: string | null;
  failureReason: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

export interface DeploymentDetail extends Deployment {
  etag: string;
  currentStep: number | null;
  plan: Plan;
  sides: Side[];
  trafficWeight: number | null;
  pods: { total: number; ready: number; items: Pod[] };
  failure: { code: string; reason: string; at: string } | null;
  clusterError: { kind: string; reason: string; since: string } | null;
  events: TimelineEvent[];
  commands: Command[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface LiveEvent {
  position: string;
  deploymentId: string;
  app: string;
  environment: string;
  release: string;
  type: string;
  message: string;
  phase: string;
  pauseReason: string | null;
  at: string;
}

export const TERMINAL_PHASES = new Set(['Succeeded', 'Failed', 'RolledBack', 'Aborted', 'Superseded']);
