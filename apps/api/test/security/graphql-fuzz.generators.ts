// Malformed GraphQL requests generated from the api's schema: every root field, broken in one way per request.
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { type Random, seeded } from './rest-fuzz.generators';
import { dummyLiteral } from './security.fixtures';

export interface GraphqlFuzzRequest {
  index: number;
  kind: string;
  field: string;
  /** Raw body text as sent. */
  body: string;
  contentType: string;
  method: 'POST' | 'GET';
  /** True when the operation is a mutation that must not have been accepted. */
  mutation: boolean;
}

const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;

// GraphQL string literals, as written in a document (escapes are GraphQL's own).
const NASTY_LITERALS = ['"a\\u0000b"', '"\\ud800"', '"x\\udc00"', '"🚀"', '"../../etc/passwd"', `"${'A'.repeat(20_000)}"`, '"\\u202e"', '""', '" "', '"%00"'];
const NASTY_VARIABLES: unknown[] = ['a\u0000b', '\ud800', '🚀'.repeat(1000), 'A'.repeat(300_000), '', '../x', 12345, [], {}, null, true, 1e308];

function selectionFor(type: GraphQLOutputType, depth: number, rnd: Random): string {
  const named = getNamedType(type);
  if (!(isObjectType(named) || isInterfaceType(named))) return '';
  if (depth <= 0) return ' { __typename }';
  const fields = Object.values(named.getFields());
  const objectFields = fields.filter((f) => isObjectType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
  const scalars = fields.filter((f) => isScalarType(getNamedType(f.type)) && f.args.length === 0).slice(0, 3);
  const next = objectFields.length ? pick(rnd, objectFields) : undefined;
  const inner = next ? `${next.name}${selectionFor(next.type, depth - 1, rnd)}` : '';
  return ` { __typename ${scalars.map((f) => f.name).join(' ')} ${inner} }`;
}

function requiredArgs(args: readonly GraphQLArgument[]): GraphQLArgument[] {
  return args.filter((a) => isNonNullType(a.type));
}

function wrongLiteral(type: GraphQLInputType, rnd: Random): string {
  const named = getNamedType(type);
  if (isScalarType(named) && (named.name === 'Int' || named.name === 'Float')) return pick(rnd, ['"1"', '99999999999999', '1.5', 'true', '[1]', '{a: 1}', 'null']);
  if (isScalarType(named) && named.name === 'Boolean') return pick(rnd, ['"true"', '1', 'null']);
  if (isInputObjectType(named)) return pick(rnd, ['"x"', '1', '[]', '{ unknownField: 1 }', 'null']);
  if (isListType(type) || (isNonNullType(type) && isListType(type.ofType))) return pick(rnd, ['"x"', '{}', '[[["deep"]]]']);
  return pick(rnd, ['1', 'true', '{a: 1}', '[1, 2]', 'null', 'ENUM_VALUE']);
}

function literalArgs(args: Array<[string, string]>): string {
  return args.length ? `(${args.map(([n, v]) => `${n}: ${v}`).join(', ')})` : '';
}

/** `count` broken operations spread over every root field of the schema. */
export function generateGraphqlFuzz(schema: GraphQLSchema, count: number, seed = 2): GraphqlFuzzRequest[] {
  const rnd = seeded(seed);
  const roots: Array<{ kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown>; key: string }> = [];
  for (const [kind, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) roots.push({ kind, field, key: `${type!.name}.${field.name}` });
  }
  const out: GraphqlFuzzRequest[] = [];
  for (let index = 0; index < count; index += 1) {
    const { kind, field, key } = roots[index % roots.length]!;
    const req = requiredArgs(field.args);
    const base: Array<[string, string]> = req.map((a) => [a.name, dummyLiteral(a.type)]);
    const selection = selectionFor(field.type, 1, rnd);
    const op = (args: Array<[string, string]>, sel = selection, name = field.name) => `${kind} { ${name}${literalArgs(args)}${sel} }`;
    const json = (query: string, extra: Record<string, unknown> = {}) => JSON.stringify({ query, ...extra });
    const stringArg = req.find((a) => isScalarType(getNamedType(a.type)) && getNamedType(a.type).name === 'String');
    const mutations: Array<() => { kind: string; body: string; contentType?: string; method?: 'GET' }> = [
      () => {
        if (!req.length) return { kind: 'extra-arg', body: json(op([['fuzzArg', '1']])) };
        const target = pick(rnd, req);
        return { kind: 'wrong-arg-type', body: json(op(base.map(([n, v]) => [n, n === target.name ? wrongLiteral(target.type, rnd) : v]))) };
      },
      () => ({ kind: 'missing-arg', body: json(op(base.slice(1).concat(req.length ? [] : [['fuzzArg', '1']]))) }),
      () => ({ kind: 'extra-arg', body: json(op([...base, [pick(rnd, ['fuzzArg', 'role', 'admin', 'id']), '"x"']])) }),
      () => ({ kind: 'unknown-field', body: json(op(base, ' { __typename noSuchField }')) }),
      () => {
        // A nasty string that reaches the resolver (a valid document): for mutations, in the first required string
        // argument (a name, which no such value satisfies).
        if (stringArg) return { kind: 'nasty-literal', body: json(op(base.map(([n, v]) => [n, n === stringArg.name ? pick(rnd, NASTY_LITERALS) : v]))) };
        return { kind: 'nasty-literal', body: json(op([...base, ['fuzzArg', pick(rnd, NASTY_LITERALS)]])) };
      },
      () => {
        if (!stringArg) return { kind: 'nasty-variable', body: json(`${kind} ($v: String) { ${field.name}(fuzzArg: $v)${selection} }`, { variables: { v: 'x' } }) };
        const args = base.map(([n, v]) => [n, n === stringArg.name ? '$v' : v] as [string, string]);
        return { kind: 'nasty-variable', body: json(`${kind} ($v: String!) { ${field.name}${literalArgs(args)}${selection} }`, { variables: { v: pick(rnd, NASTY_VARIABLES) } }) };
      },
      () => ({ kind: 'depth-bomb', body: json(op(base, selectionFor(field.type, pick(rnd, [12, 30, 60]), rnd))) }),
      () => ({ kind: 'token-bomb', body: json(`${kind} ${'{ a '.repeat(pick(rnd, [3_000, 5_000]))}${'}'.repeat(3_000)}`) }),
      () => {
        const aliases = Array.from({ length: pick(rnd, [11, 100, 500]) }, (_, i) => `a${i}: ${field.name}${literalArgs(base)}${selection}`).join(' ');
        return { kind: 'alias-bomb', body: json(`${kind} { ${aliases} }`) };
      },
      () => ({ kind: 'directive-bomb', body: json(`${kind} { ${field.name}${literalArgs(base)} ${'@include(if: true) '.repeat(100)}${selection} }`) }),
      () => ({
        kind: 'bad-json',
        body: pick(rnd, ['{"query": "{ apps { items { name } } }"', '{"query": 1}', '{"query": null}', '[]', '"x"', '{"query":"{ apps }", "variables": "x"}', '{"query":"{a}","variables":[1]}', '{', '']),
      }),
      () => ({ kind: 'wrong-content-type', body: json(op(base)), contentType: pick(rnd, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql']) }),
      () => ({ kind: 'batch', body: JSON.stringify([{ query: op(base) }, { query: op(base) }]) }),
      () => ({ kind: 'subscription', body: json(`subscription { ${field.name}${literalArgs(base)}${selection} }`) }),
      () => ({ kind: 'nul-in-document', body: json(`${kind} { ${field.name}\u0000 }`) }),
      () => ({ kind: 'operation-name', body: json(`${kind} A { __typename } ${kind} B { __typename }`, { operationName: pick(rnd, ['C', null, 1, '']) }) }),
      () => ({ kind: 'get-mutation', method: 'GET', body: op(base) }),
    ];
    const m = pick(rnd, mutations)();
    out.push({ index, kind: m.kind, field: key, body: m.body, contentType: m.contentType ?? 'application/json', method: m.method ?? 'POST', mutation: kind === 'mutation' });
  }
  return out;
}
