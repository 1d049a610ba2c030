// Domain errors carry a stable code. One REST filter renders them as application/problem+json (RFC 9457)
// and one GraphQL filter renders the same code in `extensions`; nothing else maps errors to transports.

export type ErrorCode =
  | 'VALIDATION_FAILED' // 422: the body is well-formed but breaks a rule (errors[] name the fields)
  | 'BAD_REQUEST' // 400: malformed input (bad JSON, wrong query parameter)
  | 'UNAUTHENTICATED' // 401
  | 'FORBIDDEN' // 403
  | 'NOT_FOUND' // 404
  | 'METHOD_NOT_ALLOWED' // 405 (e.g. releases are immutable)
  | 'CONFLICT' // 409 (already exists, wrong state, in use)
  | 'PRECONDITION_FAILED' // 412 (stale If-Match)
  | 'PAYLOAD_TOO_LARGE' // 413
  | 'UNSUPPORTED_MEDIA_TYPE' // 415
  | 'URI_TOO_LONG' // 414 (a path parameter longer than any valid name)
  | 'TOO_MANY_REQUESTS' // 429 (too many failed authentications from one address; Retry-After says when)
  | 'REQUEST_TIMEOUT' // 408 (a body that did not arrive in time)
  | 'UNPROCESSABLE' // 422 without field errors (e.g. idempotency key reused with another body)
  | 'CLUSTER_UNREACHABLE' // 502-ish for cluster checks: reported in the body, not as an error status
  | 'UNAVAILABLE' // 503: a dependency (Postgres, Redis) is down, e.g. /readyz
  | 'INTERNAL'; // 500, never for bad input

export const errorStatus: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 422,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  URI_TOO_LONG: 414,
  TOO_MANY_REQUESTS: 429,
  REQUEST_TIMEOUT: 408,
  UNPROCESSABLE: 422,
  CLUSTER_UNREACHABLE: 502,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** One broken rule: `path` is a JSON-ish field path like `podSpec.initContainers[0].name`. */
export interface FieldError {
  path: string;
  rule: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    /** Extra machine-readable facts, e.g. {activeDeploymentId} or {phase}. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return errorStatus[this.code];
  }

  static validation(errors: FieldError[], message = 'The request breaks one or more rules.'): DomainError {
    return new DomainError('VALIDATION_FAILED', message, errors);
  }

  static notFound(what: string, name: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} "${name}" does not exist.`, [], { resource: what, name });
  }

  static conflict(message: string, details: Record<string, unknown> = {}): DomainError {
    return new DomainError('CONFLICT', message, [], details);
  }
}

/** A result for pure validators: never throws, lists every broken rule. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
