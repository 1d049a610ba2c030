// Proves prisma/migrations build exactly the database prisma/schema.prisma describes: every table, column
// (type, nullability, default), primary key, unique and plain index, and foreign key (with its actions),
// with Prisma's own naming. A field added to the schema without a migration fails here.
import { readPrismaSchema, SchemaField, SchemaModel, testDatabaseUrl } from '@cutover/testing';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Column {
  table: string;
  column: string;
  udt: string;
  nullable: boolean;
  default: string | null;
  precision: number | null;
}
interface Index {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  columns: string[];
}
interface ForeignKey {
  table: string;
  name: string;
  target: string;
  columns: string[];
  targetColumns: string[];
  onDelete: string;
  onUpdate: string;
}

const models = readPrismaSchema();
const modelNames = new Set(models.map((model) => model.name));
const client = new Client({ connectionString: testDatabaseUrl() });
let columns: Column[] = [];
let indexes: Index[] = [];
let foreignKeys: ForeignKey[] = [];

const UDT: Record<string, string> = { String: 'text', Int: 'int4', BigInt: 'int8', Boolean: 'bool', DateTime: 'timestamp', Json: 'jsonb', Bytes: 'bytea' };
const ACTIONS: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

beforeAll(async () => {
  await client.connect();
  columns = (
    await client.query<Column>(`
      SELECT table_name AS table, column_name AS column, udt_name AS udt, is_nullable = 'YES' AS nullable,
             column_default AS default, datetime_precision AS precision
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`)
  ).rows;
  indexes = (
    await client.query<Index>(`
      SELECT t.relname AS table, c.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
             array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
      FROM pg_index ix
      JOIN pg_class c ON c.oid = ix.indexrelid
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`)
  ).rows;
  foreignKeys = (
    await client.query<ForeignKey>(`
      SELECT t.relname AS table, con.conname AS name, f.relname AS target,
             array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
             array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "targetColumns",
             con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
      FROM pg_constraint con
      JOIN pg_class t ON t.oid = con.conrelid
      JOIN pg_class f ON f.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`)
  ).rows;
});

afterAll(() => client.end());

const scalarFields = (model: SchemaModel) => model.fields.filter((field) => field.scalar && !field.list);

/** What Postgres reports as the column default for a Prisma @default (uuid() lives in the client, not the DB). */
function expectedDefault(field: SchemaField): string | null | RegExp {
  if (field.default === undefined || field.default === 'uuid()') return null;
  if (field.default === 'now()') return 'CURRENT_TIMESTAMP';
  const generated = /^dbgenerated\("(.*)"\)$/.exec(field.default);
  if (generated) return generated[1]!;
  if (field.default === 'autoincrement()') return new RegExp(`^nextval\\('"\\w+_${field.name}_seq"'::regclass\\)$`);
  const literal = /^"(.*)"$/.exec(field.default);
  if (literal) return `'${literal[1]}'::${field.type === 'Json' ? 'jsonb' : 'text'}`;
  if (/^-?\d+$/.test(field.default)) return field.default;
  if (field.default === 'true' || field.default === 'false') return field.default;
  throw new Error(`no expectation for @default(${field.default}) on ${field.name}`);
}

describe('migrations match schema.prisma', () => {
  it('creates exactly one table per model', () => {
    const tables = new Set(columns.map((column) => column.table));
    expect([...tables].sort()).toEqual([...modelNames].sort());
  });

  describe.each(models.map((model) => [model.name, model] as const))('%s', (name, model) => {
    it('has every scalar field as a column of the right type, nullability and default, and nothing else', () => {
      const actual = columns.filter((column) => column.table === name);
      expect(actual.map((column) => column.column).sort()).toEqual(scalarFields(model).map((field) => field.name).sort());
      for (const field of scalarFields(model)) {
        const column = actual.find((candidate) => candidate.column === field.name)!;
        const where = `${name}.${field.name}`;
        expect(column.udt, where).toBe(field.uuid ? 'uuid' : UDT[field.type]);
        expect(column.nullable, where).toBe(field.optional);
        if (field.type === 'DateTime') expect(column.precision, where).toBe(3);
        const def = expectedDefault(field);
        if (def instanceof RegExp) expect(column.default, where).toMatch(def);
        else expect(column.default, where).toBe(def);
      }
    });

    it('has the primary key, unique and plain indexes Prisma names, and no others', () => {
      const expected: Omit<Index, 'table'>[] = [];
      const id = model.fields.find((field) => field.id);
      if (id) expected.push({ name: `${name}_pkey`, unique: true, primary: true, columns: [id.name] });
      for (const field of model.fields.filter((f) => f.unique)) {
        expected.push({ name: `${name}_${field.name}_key`, unique: true, primary: false, columns: [field.name] });
      }
      for (const cols of model.uniques) expected.push({ name: `${name}_${cols.join('_')}_key`, unique: true, primary: false, columns: cols });
      for (const cols of model.indexes) expected.push({ name: `${name}_${cols.join('_')}_idx`, unique: false, primary: false, columns: cols });
      const actual = indexes.filter((index) => index.table === name).map(({ table: _table, ...index }) => index);
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(actual.sort(byName)).toEqual(expected.sort(byName));
    });

    it('has a foreign key per relation, with its onDelete and ON UPDATE CASCADE', () => {
      const relations = model.fields.filter((field) => field.relation && modelNames.has(field.type));
      const expected = relations.map((field) => ({
        table: name,
        name: `${name}_${field.relation!.fields.join('_')}_fkey`,
        target: field.type,
        columns: field.relation!.fields,
        targetColumns: field.relation!.references,
        // Prisma's defaults: Restrict for a required relation, SetNull for an optional one.
        onDelete: field.relation!.onDelete ?? (field.optional ? 'SetNull' : 'Restrict'),
        onUpdate: 'Cascade',
      }));
      const actual = foreignKeys
        .filter((fk) => fk.table === name)
        .map((fk) => ({ ...fk, onDelete: ACTIONS[fk.onDelete], onUpdate: ACTIONS[fk.onUpdate] }));
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(actual.sort(byName)).toEqual(expected.sort(byName));
    });
  });
});
