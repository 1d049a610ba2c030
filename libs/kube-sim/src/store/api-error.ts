// metav1.Status failures worded exactly as kube-apiserver words them (see libs/kube-sim/test/traces/errors.json).
import type { ResourceDef } from './resources';
import { groupKind, groupResource } from './resources';

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Invalid'
  | 'ServerTimeout' | 'Timeout' | 'TooManyRequests' | 'MethodNotAllowed' | 'NotAcceptable' | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType' | 'InternalError' | 'Expired' | 'ServiceUnavailable';

export type CauseType =
  | 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueDuplicate' | 'FieldValueNotSupported' | 'FieldValueForbidden'
  | 'FieldValueTooLong' | 'NamespaceTerminating' | 'ResourceVersionTooLarge';

export interface StatusCause {
  reason: CauseType;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly status: Status;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

type GR = Pick<ResourceDef, 'group' | 'resource'>;

/** details as Kubernetes fills them for resource errors: kind is the plural resource, group omitted for core. */
function resourceDetails(gr: GR, name?: string): StatusDetails {
  return { ...(name !== undefined ? { name } : {}), ...(gr.group ? { group: gr.group } : {}), kind: gr.resource };
}

export function notFound(gr: GR, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${groupResource(gr)} "${name}" not found`, resourceDetails(gr, name));
}

/** The generic 404 for a path the server does not serve at all. */
export function resourceNotServed(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GR, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${groupResource(gr)} "${name}" already exists`, resourceDetails(gr, name));
}

export function conflict(gr: GR, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${groupResource(gr)} "${name}": ${why}`, resourceDetails(gr, name));
}

/** Preconditions on DELETE are checked against the kind, not the resource (as errors.json's conflict-uid-precondition shows). */
export function preconditionConflict(d: Pick<ResourceDef, 'group' | 'kind'>, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${groupKind(d)} "${name}": ${why}`,
    { name, ...(d.group ? { group: d.group } : {}), kind: d.kind });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function unsupportedMediaType(): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {});
}

export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`,
    { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version', field: '' }], retryAfterSeconds: 1 });
}

export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
}

/** RBAC-style denial, e.g. for system:anonymous. */
export function forbidden(user: string, verb: string, gr: GR, namespace: string | undefined, name?: string): ApiError {
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const subject = name ? `${groupResource(gr)} "${name}"` : groupResource(gr);
  return new ApiError(403, 'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${gr.resource}" in API group "${gr.group}" ${scope}`,
    { ...(name ? { name } : {}), ...(gr.group ? { group: gr.group } : {}), kind: gr.resource });
}

export function forbiddenPath(user: string, verb: string, path: string): ApiError {
  return new ApiError(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
}

export function namespaceTerminating(namespace: string, gr: GR, name: string): ApiError {
  return new ApiError(403, 'Forbidden',
    `${groupResource(gr)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    { name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource,
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] });
}

// ---- field errors (k8s.io/apimachinery/pkg/util/validation/field) -------------------------------------------------

export interface FieldError {
  type: CauseType;
  field: string;
  /** Already rendered in Go syntax (see goValue); omitted for Required/Forbidden. */
  value?: string;
  detail?: string;
}

/** The "Invalid value: …: detail" text Kubernetes renders for a field error (without the field path). */
export function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueInvalid':
      return `Invalid value: ${e.value}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueRequired':
      return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueDuplicate':
      return `Duplicate value: ${e.value}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${e.value}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden':
      return `Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueTooLong':
      return `Too long: ${e.detail ?? ''}`;
    case 'NamespaceTerminating':
    case 'ResourceVersionTooLarge':
      return e.detail ?? '';
  }
}

export function invalid(d: Pick<ResourceDef, 'group' | 'kind'>, name: string, errors: FieldError[]): ApiError {
  const rendered = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const summary = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${groupKind(d)} "${name}" is invalid: ${summary}`, {
    name, ...(d.group ? { group: d.group } : {}), kind: d.kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

/** The generic 422 Kubernetes answers for a failing JSON-patch `test` operation. */
export function invalidGeneric(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

// ---- Go %#v-ish rendering of values in field errors ---------------------------------------------------------------

export function goString(s: string): string {
  return JSON.stringify(s);
}

/** map[string]string{"a":"b", "c":"d"}: Go prints map keys sorted, separated by ", ". */
export function goStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const parts = Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
  return `map[string]string{${parts.join(', ')}}`;
}

export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`;
  const n = typeof v === 'number' ? v : 0;
  return `intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`;
}

export function goLabelSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): string {
  if (!sel) return '(*v1.LabelSelector)(nil)';
  const exprs = sel.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions.map((e) =>
      `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${e.values ? `[]string{${e.values.map((v) => JSON.stringify(v)).join(', ')}}` : '[]string(nil)'}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** Renders a scalar the way Go's %v does inside field errors: strings quoted, numbers bare. */
export function goScalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
