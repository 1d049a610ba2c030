// Public surface of @cutover/domain (pure: no framework, database, Kubernetes client, clock or randomness).
export * from './model/errors/domain.errors';
export * from './model/context/request-context.types';
export * from './model/release/release.types';
export { validateReleaseInput, toReleaseInput, isReleaseVersion } from './model/release/release.validator';
export { canonicalJson, canonicalize } from './model/release/canonical-json.util';
export {
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isLabelValue,
  isIanaSvcName,
} from './model/release/k8s-syntax.util';
export { validateLabels, isReservedLabelKey } from './model/release/labels.validator';
export { parseQuantity, compareQuantities, type Quantity } from './model/release/quantity.util';
export * from './model/strategy-document/strategy-document.types';
export * from './model/strategy-document/strategy-document';
export { parseDuration, resolveIntOrPercent } from './model/strategy-document/strategy-fields';
export * from './model/deployment/deployment.types';
export * from './model/deployment/command.types';
export * from './model/deployment/observation.types';
export * from './model/deployment/effect.types';
export * from './model/deployment/topology';
export { canApply } from './engine/command-rules';
export { decide, initialDeploymentState, captureBaseline, detectFailure } from './engine/decide';
export { plan, type DeploymentPlan, type PlanStep, type PlanWait } from './engine/plan';
export { statusView, currentStepId, type DeploymentStatus, type SideStatus, type PodStatus } from './engine/status';
export { canaryReplicas } from './strategies/canary/canary.machine';
export { describePodProgress } from './strategies/shared/pod-failures';
export { releaseLabelValue, hookJobName, dnsLabelName } from './model/release/release-names.util';
