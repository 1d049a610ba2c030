// Public surface of @cutover/domain (pure: no framework, database, Kubernetes client, clock or randomness).
export * from './errors/domain.errors';
export * from './context/request-context.types';
export * from './release/release.types';
export { validateReleaseInput, toReleaseInput, isReleaseVersion } from './release/release.validator';
export { canonicalJson, canonicalize } from './release/canonical-json.util';
export {
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isLabelValue,
  isIanaSvcName,
} from './release/k8s-syntax.util';
export { validateLabels, isReservedLabelKey } from './release/labels.validator';
export { parseQuantity, compareQuantities, type Quantity } from './release/quantity.util';
export * from './strategy/strategy-document.types';
export * from './strategy/strategy-document';
export { parseDuration, resolveIntOrPercent } from './strategy/strategy-fields';
export * from './deployment/deployment.types';
export * from './deployment/command.types';
export * from './deployment/observation.types';
export * from './deployment/effect.types';
export * from './deployment/topology';
export { canApply } from './deployment/command-rules';
export { decide, initialDeploymentState, captureBaseline, detectFailure } from './deployment/decide';
export { plan, type DeploymentPlan, type PlanStep, type PlanWait } from './deployment/plan';
export { statusView, currentStepId, type DeploymentStatus, type SideStatus, type PodStatus } from './deployment/status';
export { canaryReplicas } from './strategies/canary/canary.machine';
export { describePodProgress } from './strategies/shared/pod-failures';
export { releaseLabelValue, hookJobName, dnsLabelName } from './release/release-names.util';
