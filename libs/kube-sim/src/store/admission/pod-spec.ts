// Pod spec defaulting and validation shared by Pods and every pod template (Deployment, ReplicaSet, Job).
import type { FieldError } from '../api-error';
import { goString } from '../api-error';
import { validateName } from './generic.strategy';

type Obj = Record<string, any>;

function defaultProbe(p: Obj | undefined): void {
  if (!p || typeof p !== 'object') return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) p.httpGet.scheme ??= 'HTTP';
}

/** Always for `:latest` or untagged images (no digest), else IfNotPresent, as SetDefaults_Container does. */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : '';
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  c.resources ??= {};
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  for (const c of spec.initContainers ?? []) if (c && typeof c === 'object') defaultContainer(c);
  for (const c of spec.containers ?? []) if (c && typeof c === 'object') defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v?.configMap) v.configMap.defaultMode ??= 420;
    if (v?.secret) v.secret.defaultMode ??= 420;
  }
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
}

/** Extra defaults a Pod (not a template) gets: service account, priority, tolerations, requests from limits. */
export function defaultPodOnly(spec: Obj): void {
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const r = c.resources;
    if (r?.limits) {
      r.requests ??= {};
      for (const [k, v] of Object.entries(r.limits)) r.requests[k] ??= v;
    }
  }
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations: Obj[] = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key)) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

export function qosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const k of ['cpu', 'memory']) {
      if (lim[k] === undefined || String(req[k] ?? lim[k]) !== String(lim[k])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

function validateContainers(list: unknown, path: string, names: Set<string>, required: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) {
    if (required) errs.push({ type: 'FieldValueRequired', field: path });
    return errs;
  }
  if (!Array.isArray(list)) return [{ type: 'FieldValueInvalid', field: path, value: goString(String(list)), detail: 'must be a list' }];
  list.forEach((c: Obj, i) => {
    const p = `${path}[${i}]`;
    if (!c.name) errs.push({ type: 'FieldValueRequired', field: `${p}.name` });
    else {
      errs.push(...validateName(String(c.name), 'label', `${p}.name`));
      if (names.has(c.name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, value: goString(c.name) });
      names.add(c.name);
    }
    if (!c.image) errs.push({ type: 'FieldValueRequired', field: `${p}.image` });
    const portNames = new Set<string>();
    (c.ports ?? []).forEach((port: Obj, j: number) => {
      const pp = `${p}.ports[${j}]`;
      const n = port.containerPort;
      if (n === undefined) errs.push({ type: 'FieldValueRequired', field: `${pp}.containerPort` });
      else if (!Number.isInteger(n) || n < 1 || n > 65535) {
        errs.push({ type: 'FieldValueInvalid', field: `${pp}.containerPort`, value: String(n), detail: 'must be between 1 and 65535, inclusive' });
      }
      if (port.name) {
        if (portNames.has(port.name)) errs.push({ type: 'FieldValueDuplicate', field: `${pp}.name`, value: goString(port.name) });
        portNames.add(port.name);
      }
      if (port.protocol && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
        errs.push({ type: 'FieldValueNotSupported', field: `${pp}.protocol`, value: goString(port.protocol), detail: 'supported values: "SCTP", "TCP", "UDP"' });
      }
    });
  });
  return errs;
}

export function validatePodSpec(spec: Obj | undefined, path: string): FieldError[] {
  if (!spec || typeof spec !== 'object') return [{ type: 'FieldValueRequired', field: `${path}.containers` }];
  const names = new Set<string>();
  const errs = [
    ...validateContainers(spec.initContainers, `${path}.initContainers`, names, false),
    ...validateContainers(spec.containers, `${path}.containers`, names, true),
  ];
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errs.push({ type: 'FieldValueNotSupported', field: `${path}.restartPolicy`, value: goString(String(spec.restartPolicy)), detail: 'supported values: "Always", "OnFailure", "Never"' });
  }
  const grace = spec.terminationGracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
    errs.push({ type: 'FieldValueInvalid', field: `${path}.terminationGracePeriodSeconds`, value: String(grace), detail: 'must be greater than or equal to 0' });
  }
  return errs;
}

/** Pod templates carry `creationTimestamp: null` on the wire (Go's zero time), as the recorded bodies show. */
export function defaultTemplate(template: Obj | undefined): void {
  if (!template || typeof template !== 'object') return;
  if (!template.metadata || !('creationTimestamp' in template.metadata)) {
    template.metadata = { creationTimestamp: null, ...(template.metadata ?? {}) };
  }
  defaultPodSpec(template.spec);
}
