// Malformed REST requests generated from the api's own OpenAPI document: every operation, its path and query
// parameters and its JSON body schema, each request broken in one way. Deterministic (seeded), so a failing
// request can be replayed by its index.

export interface FuzzRequest {
  index: number;
  kind: string;
  operation: string;
  method: string;
  /** Raw request target, percent-encoded as sent (may be deliberately malformed). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  additionalProperties?: boolean | Schema;
  example?: unknown;
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
}

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Names of the seeded resources, so a broken body reaches the validation of a route that exists. */
export interface FuzzTargets {
  app: string;
  environment: string;
  cluster: string;
  release: string;
  deploymentId: string;
}

export type Random = () => number;

/** mulberry32: small, fast, seeded. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;

/** Strings that break something: encodings, sizes, control characters, traversal, injection shapes. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\u200b\u200d\ufeff',
  'e\u0301\u0301\u0301\u0301',
  '🚀🔥💥',
  '../../etc/passwd',
  '..\\..\\windows',
  '%2e%2e%2f',
  "'; DROP TABLE \"Application\"; --",
  '{"$where": "1"}',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '\r\nX-Injected: 1',
  'A'.repeat(300_000),
  '\u00ff'.repeat(70_000),
  '-1',
  '1e309',
  'null',
  'true',
  '__proto__',
  'constructor',
];

export const NASTY_NUMBERS: readonly unknown[] = [-1, 0, 1e308, -1e308, 2 ** 53 + 1, 1.5, -0, 4294967296, '1', '', null, true, [], {}];

/** Path parameters that must never match anything: traversal, NUL, bad encoding, lengths, unicode. */
export const NASTY_PATH_PARAMS: readonly string[] = [
  '%00',
  'a%00b',
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2f',
  '%E0%A4%A',
  '%',
  '%ZZ',
  '%C0%AE%C0%AE',
  '%F0%9F%9A%80',
  '%ED%A0%80',
  'x'.repeat(129),
  'x'.repeat(400),
  'UPPER',
  '-lead',
  '%20',
  '%0D%0AX-Injected:%201',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
];

function resolve(doc: OpenApiDoc, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && current.$ref; i += 1) {
    const name = current.$ref.split('/').pop() ?? '';
    current = doc.components?.schemas?.[name] ?? {};
  }
  return current;
}

/** A plausible value of the schema (its example when it has one). */
function sample(doc: OpenApiDoc, schemaIn: Schema | undefined, depth = 0): unknown {
  const schema = resolve(doc, schemaIn);
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.oneOf?.length) return sample(doc, schema.oneOf[0], depth);
  switch (schema.type) {
    case 'string':
      return 'fuzz';
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return depth > 3 ? [] : [sample(doc, schema.items, depth + 1)];
    default: {
      if (depth > 3 || !schema.properties) return {};
      const out: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(schema.properties)) out[name] = sample(doc, prop, depth + 1);
      return out;
    }
  }
}

/** `levels` nested arrays as JSON text (built as text: JSON.stringify itself recurses per level). */
function nestedText(levels: number): string {
  return `${'['.repeat(levels)}1${']'.repeat(levels)}`;
}

/** JSON text of `value`, with lone surrogates kept as escapes (JSON.stringify already escapes them). */
function json(value: unknown): string {
  return JSON.stringify(value);
}

type BodyMutation = (rnd: Random, body: Record<string, unknown>, fields: string[], required: string[]) => { kind: string; text: string; contentType?: string };

// Every mutation leaves the body invalid (an unknown property rides along where the change alone might be
// acceptable, e.g. unicode in a free-text field), so any 2xx to a fuzzed write is a finding.
const bodyMutations: BodyMutation[] = [
  (rnd, body, fields) => {
    const field = fields.length ? pick(rnd, fields) : 'name';
    return { kind: 'wrong-type', text: json({ ...body, [field]: pick(rnd, [[], {}, 12345, true, null, [[['x']]], { $gt: '' }]), fuzzExtra: 1 }) };
  },
  (rnd, body, _fields, required) => {
    const copy = { ...body };
    const field = required.length ? pick(rnd, required) : undefined;
    if (field) delete copy[field];
    else copy['fuzzExtra'] = 1;
    return { kind: 'missing-field', text: json(field ? copy : { ...copy, fuzzExtra: 1 }) };
  },
  (rnd, body) => ({ kind: 'extra-field', text: json({ ...body, [pick(rnd, ['__proto__x', 'isAdmin', 'role', 'id', 'createdBy', 'fuzzExtra'])]: 'yes' }) }),
  (rnd, body, fields) => {
    const field = fields.length ? pick(rnd, fields) : 'name';
    return { kind: 'nasty-string', text: json({ ...body, [field]: pick(rnd, NASTY_STRINGS), fuzzExtra: 1 }) };
  },
  (rnd, body, fields) => {
    const field = fields.length ? pick(rnd, fields) : 'replicas';
    return { kind: 'nasty-number', text: json({ ...body, [field]: pick(rnd, NASTY_NUMBERS), fuzzExtra: 1 }) };
  },
  (rnd, body, fields) => {
    const field = fields.length ? pick(rnd, fields) : 'labels';
    return { kind: 'deep-nesting', text: json({ ...body, [field]: '__NEST__' }).replace('"__NEST__"', nestedText(pick(rnd, [40, 200, 2_000, 9_000]))) };
  },
  (rnd) => ({ kind: 'deep-raw', text: '['.repeat(pick(rnd, [5_000, 10_000, 50_000])) + ']'.repeat(pick(rnd, [0, 5_000, 10_000])) }),
  (rnd, body) => {
    const text = json(body);
    const candidates = [text.slice(0, Math.max(1, Math.floor(text.length / 2))), `${text}}`, `${text},`, text.replace(/"/g, "'"), '{"a":1,}', '{', 'nul', '\u0000', '{"a":"\\ud800"', `{"a":${'9'.repeat(400)},}`];
    // Only text that is not JSON: a body with no quotes (`{}`) survives some of the edits above unchanged.
    return { kind: 'bad-json', text: pick(rnd, candidates.filter((candidate) => !parsesAsJson(candidate))) };
  },
  (rnd, body) => ({
    kind: 'wrong-content-type',
    text: json(body),
    contentType: pick(rnd, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'image/png', '']),
  }),
  (rnd) => ({ kind: 'non-object', text: pick(rnd, ['[]', '"string"', '42', 'true', 'null', '[{"name":"x"}]']) }),
  (rnd, body) => ({ kind: 'huge-array', text: json({ ...body, fuzzExtra: Array.from({ length: pick(rnd, [1_000, 20_000]) }, (_, i) => i) }) }),
  (rnd, body) => {
    const keys: Record<string, string> = {};
    for (let i = 0; i < pick(rnd, [500, 5_000]); i += 1) keys[`k${i}`] = 'v';
    return { kind: 'many-keys', text: json({ ...body, labels: keys, podAnnotations: keys, fuzzExtra: 1 }) };
  },
];

function queryMutation(rnd: Random, params: Parameter[]): { kind: string; query: string } {
  const names = params.map((p) => p.name);
  const name = names.length ? pick(rnd, names) : pick(rnd, ['limit', 'cursor', 'x']);
  const value = pick(rnd, [
    '%00',
    'a%00b',
    '-1',
    '0',
    '1e309',
    '999999999999999999999',
    'NaN',
    '%ED%A0%80',
    '%E0%A4%A',
    'x'.repeat(5_000),
    '%F0%9F%9A%80',
    '..%2F..%2F',
    '[object Object]',
    'not-base64!!',
  ]);
  const shapes = [`${name}=${value}`, `${name}=${value}&${name}=2`, `${name}[]=${value}`, `${name}[a]=${value}`, `unknownParam=${value}`, `${name}`];
  return { kind: 'query', query: pick(rnd, shapes) };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `count` malformed requests spread over every operation of the document. */
export function generateRestFuzz(doc: OpenApiDoc, targets: FuzzTargets, count: number, seed = 1): FuzzRequest[] {
  const rnd = seeded(seed);
  const operations: Array<{ name: string; method: string; path: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) operations.push({ name: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op });
  }
  const known: Record<string, string> = { app: targets.app, env: targets.environment, name: targets.cluster, version: targets.release, id: targets.deploymentId };
  const out: FuzzRequest[] = [];
  for (let index = 0; index < count; index += 1) {
    const { name, method, path, op } = operations[index % operations.length]!;
    const schema = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
    const hasBody = op.requestBody !== undefined;
    const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
    const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
    // Routes with a body get real targets (their body must be refused); routes without one (DELETE, check, reads)
    // only ever get parameters that exist nowhere, so a fuzzed request can never act on a real row.
    const strategy = hasBody ? pick(rnd, ['body', 'body', 'body', 'path', 'query']) : pick(rnd, ['path', 'path', 'query', 'body']);
    let kind = strategy;
    const fill = (param: string, junk: boolean) => (junk ? pick(rnd, NASTY_PATH_PARAMS) : encodeURIComponent(known[param] ?? 'fuzz'));
    const junkParam = strategy === 'path' || !hasBody ? pick(rnd, pathParams.map((p) => p.name).concat('')) : '';
    let target = path.replace(/\{(\w+)\}/g, (_m, param: string) => fill(param, !hasBody || param === junkParam));
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (strategy === 'query') {
      const q = queryMutation(rnd, queryParams);
      target += `?${q.query}`;
      kind = q.kind;
    }
    if (strategy === 'body') {
      const base = sample(doc, schema);
      const record = typeof base === 'object' && base !== null && !Array.isArray(base) ? (base as Record<string, unknown>) : {};
      const fields = Object.keys(schema.properties ?? record);
      const mutation = pick(rnd, bodyMutations)(rnd, record, fields, schema.required ?? []);
      kind = mutation.kind;
      body = mutation.text;
      headers['content-type'] = mutation.contentType ?? 'application/json';
    } else if (hasBody && strategy !== 'body') {
      body = json({ ...(sample(doc, schema) as object), fuzzExtra: 1 });
      headers['content-type'] = 'application/json';
    }
    if (kind === 'path' && pathParams.length === 0) {
      target = `${target}/${pick(rnd, NASTY_PATH_PARAMS)}`;
      kind = 'unknown-path';
    }
    if (method === 'POST' && path.includes('/deployments/') && rnd() < 0.2) headers['if-match'] = pick(rnd, ['W/"x"', '*', '"\u00ff"', 'W/"99999999999999999999"']);
    if (method === 'POST' && path === '/v1/deployments' && rnd() < 0.3) headers['idempotency-key'] = pick(rnd, ['bad key', 'k'.repeat(500), 'ok-key-%00']);
    out.push({ index, kind: `${kind}`, operation: name, method, path: target, headers, ...(body !== undefined ? { body } : {}) });
  }
  return out;
}
