// Deployments, ReplicaSets and Jobs: defaults and validation as pkg/apis/apps and pkg/apis/batch do them.
import type { FieldError } from '../api-error';
import { goIntOrString, goLabelSelector, goString, goStringMap } from '../api-error';
import { deepEqual } from '../json-utils';
import { selectorMatches } from '../selectors';
import type { KubeObject } from '../store.types';
import type { ResourceStrategy } from './admission.types';
import { validateObjectMeta } from './generic.strategy';
import { defaultTemplate, validatePodSpec } from './pod-spec';

type Obj = Record<string, any>;

function nonNegative(v: unknown, field: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    return [{ type: 'FieldValueInvalid', field, value: String(v), detail: 'must be greater than or equal to 0' }];
  }
  return [];
}

function validateSelectorAndTemplate(spec: Obj, kindWord: string, allowedRestart: string[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec.selector;
  if (!sel) errs.push({ type: 'FieldValueRequired', field: 'spec.selector' });
  else if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.selector', value: goLabelSelector(sel), detail: `empty selector is invalid for ${kindWord}` });
  }
  const labels = spec.template?.metadata?.labels;
  if (sel && (Object.keys(sel.matchLabels ?? {}).length || (sel.matchExpressions ?? []).length) && !selectorMatches(sel, labels)) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.template.metadata.labels', value: goStringMap(labels), detail: '`selector` does not match template `labels`' });
  }
  errs.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec'));
  const rp = spec.template?.spec?.restartPolicy;
  if (allowedRestart && rp !== undefined && !allowedRestart.includes(rp)) {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', value: goString(rp), detail: `supported values: ${allowedRestart.map((r) => `"${r}"`).join(', ')}` });
  }
  return errs;
}

// ---- intstr percentages ------------------------------------------------------------------------------------------

const PERCENT = /^[0-9]+%$/;

function validateIntOrPercent(v: unknown, field: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    if (!PERCENT.test(v)) {
      return [{ type: 'FieldValueInvalid', field, value: goString(v), detail: "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')" }];
    }
    if (parseInt(v, 10) > 100) return [{ type: 'FieldValueInvalid', field, value: goString(v), detail: 'must not be greater than 100%' }];
    return [];
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    return [{ type: 'FieldValueInvalid', field, value: String(v), detail: 'must be greater than or equal to 0' }];
  }
  return [];
}

function isZero(v: unknown): boolean {
  return v === 0 || (typeof v === 'string' && PERCENT.test(v) && parseInt(v, 10) === 0);
}

// ---- Deployment --------------------------------------------------------------------------------------------------

function defaultDeployment(obj: KubeObject): void {
  const spec: Obj = (obj.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec.template);
}

function validateDeploymentSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [...nonNegative(spec.replicas, 'spec.replicas')];
  errs.push(...validateSelectorAndTemplate(spec, 'deployment', ['Always']));
  const st = spec.strategy ?? {};
  if (st.type !== 'RollingUpdate' && st.type !== 'Recreate') {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.strategy.type', value: goString(String(st.type)), detail: 'supported values: "Recreate", "RollingUpdate"' });
  } else if (st.type === 'Recreate' && st.rollingUpdate) {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.strategy.rollingUpdate', detail: "may not be specified when strategy `type` is 'Recreate'" });
  } else if (st.type === 'RollingUpdate') {
    const ru = st.rollingUpdate ?? {};
    errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
    errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
    if (isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.strategy.rollingUpdate.maxUnavailable', value: goIntOrString(ru.maxUnavailable), detail: 'may not be 0 when `maxSurge` is 0' });
    }
  }
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.progressDeadlineSeconds', value: String(spec.progressDeadlineSeconds), detail: 'must be greater than minReadySeconds' });
    }
  }
  return errs;
}

function immutableSelector(obj: KubeObject, old: KubeObject): FieldError[] {
  if (deepEqual(obj.spec?.selector, old.spec?.selector)) return [];
  return [{ type: 'FieldValueInvalid', field: 'spec.selector', value: goLabelSelector(obj.spec?.selector), detail: 'field is immutable' }];
}

export const deploymentStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => {
    defaultDeployment(obj);
    obj.status = {};
  },
  validate: (obj) => [...validateObjectMeta(obj, 'subdomain'), ...validateDeploymentSpec(obj.spec ?? {})],
  prepareForUpdate: (obj) => defaultDeployment(obj),
  validateUpdate: (obj, old) => [...validateDeploymentSpec(obj.spec ?? {}), ...immutableSelector(obj, old)],
};

// ---- ReplicaSet --------------------------------------------------------------------------------------------------

function defaultReplicaSet(obj: KubeObject): void {
  const spec: Obj = (obj.spec ??= {});
  spec.replicas ??= 1;
  defaultTemplate(spec.template);
}

function validateReplicaSetSpec(spec: Obj): FieldError[] {
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(spec, 'replicaset', ['Always']),
  ];
}

export const replicaSetStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => {
    defaultReplicaSet(obj);
    obj.status = { replicas: 0 };
  },
  validate: (obj) => [...validateObjectMeta(obj, 'subdomain'), ...validateReplicaSetSpec(obj.spec ?? {})],
  prepareForUpdate: (obj) => defaultReplicaSet(obj),
  validateUpdate: (obj, old) => [...validateReplicaSetSpec(obj.spec ?? {}), ...immutableSelector(obj, old)],
};

// ---- Job ---------------------------------------------------------------------------------------------------------

function defaultJob(obj: KubeObject, uid: string | undefined): void {
  const spec: Obj = (obj.spec ??= {});
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  // SetDefaults_Job copies the template labels to an unlabelled Job before the selector is generated.
  if (!obj.metadata.labels || !Object.keys(obj.metadata.labels).length) {
    const tl = spec.template?.metadata?.labels;
    if (tl && Object.keys(tl).length) obj.metadata.labels = { ...tl };
  }
  if (!spec.manualSelector && uid) {
    const name = obj.metadata.name;
    spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    spec.template ??= {};
    spec.template.metadata = {
      ...(spec.template.metadata ?? {}),
      labels: {
        ...(spec.template.metadata?.labels ?? {}),
        'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name,
      },
    };
  }
  defaultTemplate(spec.template);
}

function validateJobSpec(spec: Obj): FieldError[] {
  const errs = [
    ...nonNegative(spec.parallelism, 'spec.parallelism'),
    ...nonNegative(spec.completions, 'spec.completions'),
    ...nonNegative(spec.backoffLimit, 'spec.backoffLimit'),
    ...nonNegative(spec.activeDeadlineSeconds, 'spec.activeDeadlineSeconds'),
    ...validateSelectorAndTemplate(spec, 'job', ['OnFailure', 'Never']),
  ];
  return errs;
}

export const jobStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => {
    defaultJob(obj, obj.metadata.uid);
    obj.status = {};
  },
  validate: (obj) => [...validateObjectMeta(obj, 'subdomain'), ...validateJobSpec(obj.spec ?? {})],
  prepareForUpdate: (obj) => defaultTemplate(obj.spec?.template),
  validateUpdate: (obj, old) => {
    const errs = [...validateJobSpec(obj.spec ?? {}), ...immutableSelector(obj, old)];
    if (!deepEqual(obj.spec?.template, old.spec?.template)) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.template', value: 'core.PodTemplateSpec{...}', detail: 'field is immutable' });
    }
    if (obj.spec?.completions !== old.spec?.completions) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.completions', value: String(obj.spec?.completions), detail: 'field is immutable' });
    }
    return errs;
  },
};
