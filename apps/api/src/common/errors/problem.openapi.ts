import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = { responses?: Record<string, unknown> };

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, with a stable `code`, the `requestId` and field-level `errors`.',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId', 'errors'],
  properties: {
    type: { type: 'string', example: 'https://cutover.dev/problems/validation-failed' },
    title: { type: 'string', example: 'Validation failed' },
    status: { type: 'integer', example: 422 },
    detail: { type: 'string' },
    code: {
      type: 'string',
      enum: ['VALIDATION_FAILED', 'BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'CONFLICT', 'PRECONDITION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'UNPROCESSABLE', 'CLUSTER_UNREACHABLE', 'UNAVAILABLE', 'INTERNAL'],
    },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'rule', 'message'],
        properties: { path: { type: 'string', example: 'podSpec.containers[0].name' }, rule: { type: 'string' }, message: { type: 'string' } },
      },
    },
    details: { type: 'object', additionalProperties: true },
  },
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Every operation documents the problem+json answers the api can give it (the ones it does not declare itself). */
export function withProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: problemSchema } };
  for (const [path, item] of Object.entries(document.paths)) {
    const authenticated = path.startsWith('/v1/');
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const responses = (operation.responses ??= {});
      const add = (status: string, description: string) => {
        if (!(status in responses)) responses[status] = problem(description);
      };
      if (method !== 'get' && method !== 'delete') {
        add('400', 'Malformed JSON.');
        add('413', 'Body over 1 MiB.');
        add('415', 'Body is not application/json.');
      }
      if (authenticated) {
        add('401', 'Missing, unknown or revoked token.');
        add('403', 'The token may not do this.');
        add('422', 'The request breaks a rule; errors[] names each field.');
      }
      add('500', 'Unexpected error; quote the requestId.');
    }
  }
  return document;
}

/**
 * `@Headers('if-match')` makes @nestjs/swagger add a *required* `if-match` parameter next to the documented optional
 * `If-Match`. Header names are case-insensitive: keep one per name, the documented one (it has a description).
 */
export function withDistinctHeaders(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item as Record<string, { parameters?: Array<{ in?: string; name?: string; description?: string }> }>)) {
      if (!op || typeof op !== 'object' || !Array.isArray(op.parameters)) continue;
      const byName = new Map<string, { in?: string; name?: string; description?: string }>();
      for (const param of op.parameters) {
        if (param.in !== 'header' || !param.name) continue;
        const key = param.name.toLowerCase();
        const seen = byName.get(key);
        if (!seen || (!seen.description && param.description)) byName.set(key, param);
      }
      op.parameters = op.parameters.filter((param) => param.in !== 'header' || !param.name || byName.get(param.name.toLowerCase()) === param);
    }
  }
  return doc;
}
