import { HttpException } from '@nestjs/common';
import { DomainError, type ErrorCode, type FieldError, errorStatus } from '@cutover/domain';

/** RFC 9457 problem details, plus Cutover's stable `code`, the `requestId` and field-level `errors`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors: FieldError[];
  /** Machine-readable facts from DomainError.details (e.g. `allow` for 405, `activeDeploymentId`). */
  details?: Record<string, unknown>;
}

/** What any thrown value means to a client; shared by the REST filter and the GraphQL formatter. */
export interface DescribedError {
  code: ErrorCode;
  status: number;
  detail: string;
  errors: FieldError[];
  details: Record<string, unknown>;
  /** True when nothing recognised the error: log it in full, show nothing of it. */
  unexpected: boolean;
}

const titles: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Validation failed',
  BAD_REQUEST: 'Bad request',
  UNAUTHENTICATED: 'Unauthenticated',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  CONFLICT: 'Conflict',
  PRECONDITION_FAILED: 'Precondition failed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  URI_TOO_LONG: 'URI too long',
  TOO_MANY_REQUESTS: 'Too many requests',
  REQUEST_TIMEOUT: 'Request timeout',
  UNPROCESSABLE: 'Unprocessable content',
  CLUSTER_UNREACHABLE: 'Cluster unreachable',
  UNAVAILABLE: 'Service unavailable',
  INTERNAL: 'Internal server error',
};

const codeByStatus: Record<number, ErrorCode> = Object.fromEntries(
  (Object.entries(errorStatus) as [ErrorCode, number][])
    // 422 and 502 have two codes each: the generic one wins for errors that carry only a status.
    .filter(([code]) => code !== 'VALIDATION_FAILED' && code !== 'CLUSTER_UNREACHABLE')
    .map(([code, status]) => [status, code]),
);

export const INTERNAL_DETAIL = 'An unexpected error occurred. Quote the request id when reporting it.';

export function problemType(code: ErrorCode): string {
  return `https://cutover.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problemTitle(code: ErrorCode): string {
  return titles[code];
}

export function codeForStatus(status: number): ErrorCode {
  return codeByStatus[status] ?? (status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL');
}

// Body-parser (Express) and content-type-parser (Fastify) errors reach the filter before any handler runs; their
// messages are written for clients (`expose`), so they may be shown.
const parserErrors: Record<string, { code: ErrorCode; detail: string }> = {
  'entity.parse.failed': { code: 'BAD_REQUEST', detail: 'The request body is not valid JSON.' },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is larger than 1 MiB.' },
  'encoding.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request body encoding is not supported.' },
  'charset.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request body charset is not supported.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BAD_REQUEST', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BAD_REQUEST', detail: 'The request body is empty but content-type is application/json.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is larger than 1 MiB.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send the request body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', detail: 'The content-length does not match the body.' },
};

function described(code: ErrorCode, detail: string, extra: Partial<DescribedError> = {}): DescribedError {
  return { code, status: errorStatus[code], detail, errors: [], details: {}, unexpected: false, ...extra };
}

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

export function describeError(error: unknown): DescribedError {
  if (error instanceof DomainError) {
    return described(error.code, error.message, { errors: error.errors, details: error.details });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = codeForStatus(status);
    if (code === 'INTERNAL') return described('INTERNAL', INTERNAL_DETAIL, { unexpected: true });
    return { ...described(code, httpExceptionDetail(error)), status };
  }
  if (typeof error === 'object' && error !== null) {
    const e = error as { type?: unknown; code?: unknown; statusCode?: unknown; status?: unknown; message?: unknown };
    const key = typeof e.type === 'string' && e.type in parserErrors ? e.type : typeof e.code === 'string' ? e.code : '';
    const known = parserErrors[key];
    if (known) return described(known.code, known.detail);
    const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : 0;
    // Any other client error raised by the HTTP stack itself (e.g. a malformed URL) keeps its status.
    if (status >= 400 && status < 500) {
      return { ...described(codeForStatus(status), typeof e.message === 'string' ? e.message : titles[codeForStatus(status)]), status };
    }
  }
  return described('INTERNAL', INTERNAL_DETAIL, { unexpected: true });
}

export function toProblem(error: DescribedError, requestId: string): ProblemDocument {
  const doc: ProblemDocument = {
    type: problemType(error.code),
    title: problemTitle(error.code),
    status: error.status,
    detail: error.detail,
    code: error.code,
    requestId,
    errors: error.errors,
  };
  if (Object.keys(error.details).length > 0) doc.details = error.details;
  return doc;
}
