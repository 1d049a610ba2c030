// Public surface of @cutover/domain (pure: no framework, database, Kubernetes client, clock or randomness).
export * from './model/errors/domain.errors';
export * from './model/context/request-context.types';
export * from './model/release/release.types';
export { validateReleaseInput, toReleaseInput, isReleaseVersion } from './model/release/release.rules';
export { canonicalJson, canonicalize } from './model/release/canonical-json.mapper';
export {
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isLabelValue,
  isIanaSvcName,
} from './model/release/k8s-syntax.rules';
export { validateLabels, isReservedLabelKey, MAX_LABELS } from './model/release/labels.rules';
export {
  parseLabelSelector,
  validateLabelSelector,
  selectorFieldError,
  matchesLabelSelector,
  formatLabelSelector,
  MAX_SELECTOR_LENGTH,
  type LabelSelector,
  type LabelRequirement,
  type SelectorOperator,
  type SelectorParse,
  type SelectorSyntaxError,
} from './model/selector/label-selector.rules';
export { selectEnvironments, parseEnvironmentSelectors, type SelectableEnvironment, type EnvironmentSelectors } from './model/selector/environment-selection.rules';
export { parseQuantity, compareQuantities, type Quantity } from './model/release/quantity.rules';
export * from './model/analysis/analysis.types';
export { parseAnalysisRef, parseMetric, parseMetrics, parseTemplateInput, DEFAULT_CONSECUTIVE_ERROR_LIMIT, type AnalysisTemplateInput } from './model/analysis/analysis-document.rules';
export { conditionError, evaluateCondition } from './model/analysis/analysis-condition.rules';
export { assessMetric, assessRun, isRunOver, measurementDueAt, measurementPhase, noDataReason, toMeasurement, valueText } from './model/analysis/analysis-verdict.rules';
export {
  checkTemplatePlaceholders,
  referencedTemplates,
  resolveStrategyAnalyses,
  strategyAnalyses,
  withoutAnalyses,
  type AnalysisTemplateDoc,
  type AnalysisVars,
} from './model/analysis/analysis-resolve.rules';
export { analysisGates, analysisSeconds, type AnalysisGate } from './model/analysis/analysis-gates.rules';
export { FieldReader } from './model/strategy-document/strategy-fields.rules';
export * from './model/strategy-document/strategy-document.types';
export * from './model/strategy-document/strategy-document.rules';
export { parseDuration, resolveIntOrPercent } from './model/strategy-document/strategy-fields.rules';
export * from './model/deployment/deployment.types';
export * from './model/deployment/command.types';
export * from './model/deployment/observation.types';
export * from './model/deployment/effect.types';
export * from './model/deployment/topology.rules';
export * from './model/deployment/status.types';
export * from './model/deployment/plan.types';
export { deploymentContextOf, podRequestsOf, type ContextInput } from './model/deployment/deployment-context.mapper';
export { canApply, supersede, type SupersedeRequest } from './engine/command.rules';
export { decideClusterTrouble, CLUSTER_RETRY_MS, type ClusterTroubleFacts } from './engine/cluster-trouble.rules';
export { decide, initialDeploymentState, captureBaseline, detectFailure } from './engine/decide.machine';
export { plan } from './engine/deployment.plan';
export { commitKind, planCommit, DEFAULT_STATUS_COMMIT_INTERVAL_MS, type CommitKind, type CommitPlan } from './engine/status-commit.policy';
export { heldWithoutTimer } from './engine/idle-hold.policy';
export { statusView, currentStepId, finalStatus, awaitsFinalObservation, observationSettled, FINAL_OBSERVATION_WINDOW_MS } from './engine/deployment-status.view';
export { deploymentProgress, currentStepOf, type DeploymentProgress, type SideProgress, type ServiceSelectorView } from './engine/deployment-progress.view';
export { canaryReplicas } from './strategies/canary/canary.plan';
export { describePodProgress } from './strategies/shared/pod-failures.rules';
export { releaseLabelValue, hookJobName, dnsLabelName } from './model/release/release-names.rules';
export * from './engine/notifications/notification.types';
export * from './engine/notifications/slack-blocks.mapper';
export * from './engine/gates/freeze-window.rules';
export * from './model/deployment/approval.types';
export * from './engine/gates/approval.rules';
export { approvalTarget, approverIdentity, gateStepsOf, openGateStatus } from './engine/gates/approval-gate.machine';
export { planDeployment, type PlanRequest } from './engine/deployment-report.plan';
export * from './model/waves/wave-run.types';
export { parseWaveRunRequest, duplicateErrors, MAX_WAVES, MAX_ENVIRONMENTS_PER_RUN, type WaveRequest, type WaveRunRequest } from './model/waves/wave-run-request.rules';
export {
  initialWaveRunState,
  decideWaveRun,
  recordStarted,
  canApplyWaveRunCommand,
  applyWaveRunCommand,
  gateWaitsFor,
  environmentOutcome,
  isDeploymentPhase,
  waveRunAnchor,
  STREAMED_WAVE_RUN_EVENTS,
  type WaveRunInit,
  type WaveEnvironmentOutcome,
} from './engine/waves/wave-run.machine';
