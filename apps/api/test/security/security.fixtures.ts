// Shared by the security suite's specs: callers of every kind, the route inventory read from the running router,
// and GraphQL operations built from the schema.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isInterfaceType,
  isUnionType,
} from 'graphql';
import request from 'supertest';
import type { Role } from '@cutover/domain';
import { registeredRoutes } from '../../src/common/http/http-setup';
import type { TestApi } from '../test-api';

export const ROLES: Role[] = ['viewer', 'deployer', 'admin'];
const RANK: Record<Role, number> = { viewer: 0, deployer: 1, admin: 2 };

export function roleAllows(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** Callers without a valid token, each with the Authorization header it sends (undefined: none). */
export interface Callers {
  anonymous: Record<string, string | undefined>;
  roles: Record<Role, string>;
}

/** No token, garbage, a malformed header, a well-formed unknown token, a revoked one; and one token per role. */
export async function makeCallers(api: TestApi): Promise<Callers> {
  const created = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${api.bootstrapToken}`).send({ name: 'security-revoked', role: 'admin' }).expect(201);
  const revoked = (created.body as { secret: string }).secret;
  await request(api.server).delete(`/v1/tokens/${(created.body as { id: string }).id}`).set('authorization', `Bearer ${api.bootstrapToken}`).expect(200);
  const roles = { viewer: await api.token('viewer'), deployer: await api.token('deployer'), admin: await api.token('admin') };
  return {
    anonymous: {
      none: undefined,
      garbage: 'Bearer \u00ff\u00fe garbage',
      malformed: 'Basic dXNlcjpwYXNz',
      unknown: 'Bearer cut_0000000000000000000000000000000000000000000',
      revoked: `Bearer ${revoked}`,
    },
    roles: { viewer: `Bearer ${roles.viewer}`, deployer: `Bearer ${roles.deployer}`, admin: `Bearer ${roles.admin}` },
  };
}

export interface InventoryRoute {
  /** `METHOD /path` as registered (the key of REST_ACCESS). */
  key: string;
  method: string;
  url: string;
}

/** Every route the Fastify router registered, HEAD folded into GET, OPTIONS left out (none are declared). */
export function routeInventory(api: TestApi): InventoryRoute[] {
  const seen = new Map<string, InventoryRoute>();
  for (const route of registeredRoutes(api.app as NestFastifyApplication)) {
    if (route.method === 'HEAD' || route.method === 'OPTIONS') continue;
    const key = `${route.method} ${route.url}`;
    seen.set(key, { key, method: route.method, url: route.url });
  }
  return [...seen.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** A concrete path for a route pattern: names that do not exist, a well-formed unknown id, a docs asset. */
export function concretePath(url: string): string {
  return url
    .split('/')
    .map((segment) => {
      if (segment === '*') return 'index.css';
      if (!segment.startsWith(':')) return segment;
      if (segment === ':id') return '00000000-0000-4000-8000-000000000000';
      if (segment === ':version') return '9.9.9-nothing';
      return 'no-such-name';
    })
    .join('/');
}

export function graphqlSchema(api: TestApi): GraphQLSchema {
  return api.app.get(GraphQLSchemaHost).schema;
}

/** Root fields as `Query.x` / `Mutation.x` with their field definitions. */
export function rootFields(schema: GraphQLSchema): Array<{ key: string; kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }> {
  const out: Array<{ key: string; kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }> = [];
  for (const [kind, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) out.push({ key: `${type.name}.${field.name}`, kind, field });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** A GraphQL literal of the argument's type that every service refuses or finds nothing for (empty names). */
export function dummyLiteral(type: GraphQLInputType, depth = 0): string {
  if (isNonNullType(type)) return dummyLiteral(type.ofType, depth);
  if (isListType(type)) return `[${dummyLiteral(type.ofType, depth)}]`;
  if (isEnumType(type)) return type.getValues()[0]?.name ?? 'null';
  if (isInputObjectType(type)) {
    if (depth > 3) return '{}';
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${dummyLiteral(f.type, depth + 1)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    if (type.name === 'Int' || type.name === 'Float') return '0';
    if (type.name === 'Boolean') return 'false';
    if (type.name === 'JSON') return '{}';
    if (type.name === 'ID') return '"00000000-0000-4000-8000-000000000000"';
    return '""';
  }
  return 'null';
}

function argsOf(args: readonly GraphQLArgument[]): string {
  const required = args.filter((a) => isNonNullType(a.type));
  return required.length ? `(${required.map((a) => `${a.name}: ${dummyLiteral(a.type)}`).join(', ')})` : '';
}

/** `query { field(requiredArgs) { __typename } }`: the smallest operation that reaches the field's resolver. */
export function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
  return `${kind} { ${field.name}${argsOf(field.args)}${selection} }`;
}

export interface GraphqlAnswer {
  status: number;
  codes: string[];
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

export async function postGraphql(api: TestApi, authorization: string | undefined, body: unknown): Promise<GraphqlAnswer> {
  const req = request(api.server).post('/graphql').set('content-type', 'application/json');
  if (authorization) void req.set('authorization', authorization);
  const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body));
  const parsed = (res.body ?? {}) as GraphqlAnswer['body'];
  return { status: res.status, codes: (parsed.errors ?? []).map((e) => String(e.extensions?.code ?? 'NONE')), body: parsed };
}
