// Names, roles and selectors of the Kubernetes objects Cutover owns (ARCHITECTURE.md, "Kubernetes objects Cutover owns").
// The machines and the worker's manifests must agree on these, so they live in one place.
import type { DeploymentContext } from './deployment.types';
import { hookJobName } from '../release/release-names.rules';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  environment: 'cutover.dev/environment',
  release: 'cutover.dev/release',
  role: 'cutover.dev/role',
} as const;

export const ANNOTATION_ATTEMPT = 'cutover.dev/attempt';

/**
 * The release version, verbatim, on workloads and pod templates. The `cutover.dev/release` label holds
 * releaseLabelValue(version) instead: a valid version such as `1.2.0+build.7` is not a valid label value.
 */
export const ANNOTATION_RELEASE = 'cutover.dev/release';

export type WorkloadRole = 'primary' | 'blue' | 'green' | 'stable' | 'canary' | 'hook';

export const names = {
  /** Recreate and RollingUpdate workload; the main Service of every strategy. */
  primary: (app: string) => app,
  colour: (app: string, colour: 'blue' | 'green') => `${app}-${colour}`,
  preview: (app: string) => `${app}-preview`,
  stable: (app: string) => `${app}-stable`,
  canary: (app: string) => `${app}-canary`,
  /** `<app>-<version>-<hook>`, made a valid DNS-1123 label when the version has characters Kubernetes refuses. */
  hookJob: (app: string, release: string, hook: string) => hookJobName(app, release, hook),
};

/** Selects every pod of the app in the environment, whatever its release or role. */
export function baseSelector(ctx: Pick<DeploymentContext, 'app' | 'environment'>): Record<string, string> {
  return { [LABELS.name]: ctx.app, [LABELS.environment]: ctx.environment };
}

export function roleSelector(ctx: Pick<DeploymentContext, 'app' | 'environment'>, role: WorkloadRole): Record<string, string> {
  return { ...baseSelector(ctx), [LABELS.role]: role };
}

export function sameSelector(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}
