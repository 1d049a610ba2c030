// A small reader of prisma/schema.prisma for tests that compare it with the migrated database.
// It understands what this schema uses (scalars, @id, @unique, @default, @updatedAt, @db.Uuid, relations,
// @@unique, @@index) and fails loudly on anything else, so a new construct gets a test rather than a pass.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SCHEMA_PATH = path.resolve(__dirname, '../../../prisma/schema.prisma');

export type ScalarType = 'String' | 'Int' | 'BigInt' | 'Boolean' | 'DateTime' | 'Json' | 'Bytes';
const SCALARS = new Set<string>(['String', 'Int', 'BigInt', 'Boolean', 'DateTime', 'Json', 'Bytes']);

export interface SchemaField {
  name: string;
  type: string;
  scalar: boolean;
  optional: boolean;
  list: boolean;
  id: boolean;
  unique: boolean;
  updatedAt: boolean;
  uuid: boolean;
  /** The @default(...) argument text, e.g. `now()`, `"{}"`, `0`. */
  default?: string;
  relation?: { fields: string[]; references: string[]; onDelete?: string };
}

export interface SchemaModel {
  name: string;
  fields: SchemaField[];
  uniques: string[][];
  indexes: string[][];
}

export function readPrismaSchema(file = SCHEMA_PATH): SchemaModel[] {
  const text = readFileSync(file, 'utf8');
  const models: SchemaModel[] = [];
  const blocks = text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, name, body] of blocks) {
    const model: SchemaModel = { name: name!, fields: [], uniques: [], indexes: [] };
    for (const raw of body!.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (!line) continue;
      const block = /^@@(unique|index)\(\[([^\]]*)\]\)$/.exec(line);
      if (block) {
        (block[1] === 'unique' ? model.uniques : model.indexes).push(splitList(block[2]!));
        continue;
      }
      if (line.startsWith('@@')) throw new Error(`readPrismaSchema: unsupported block attribute in ${name}: ${line}`);
      model.fields.push(parseField(name!, line));
    }
    models.push(model);
  }
  if (models.length === 0) throw new Error(`readPrismaSchema: no models in ${file}`);
  return models;
}

function parseField(model: string, line: string): SchemaField {
  const match = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
  if (!match) throw new Error(`readPrismaSchema: cannot read field in ${model}: ${line}`);
  const [, name, type, list, optional, rest] = match as unknown as [string, string, string, string | undefined, string | undefined, string];
  const field: SchemaField = {
    name,
    type,
    scalar: SCALARS.has(type),
    optional: optional === '?',
    list: list === '[]',
    id: /@id\b/.test(rest),
    unique: /@unique\b/.test(rest),
    updatedAt: /@updatedAt\b/.test(rest),
    uuid: /@db\.Uuid\b/.test(rest),
  };
  const def = DEFAULT.exec(rest);
  if (def) field.default = def[1]!.trim();
  const relation = /@relation\(([^)]*)\)/.exec(rest);
  if (relation) {
    const args = relation[1]!;
    const fields = /fields:\s*\[([^\]]*)\]/.exec(args);
    const references = /references:\s*\[([^\]]*)\]/.exec(args);
    const onDelete = /onDelete:\s*(\w+)/.exec(args);
    if (fields && references) field.relation = { fields: splitList(fields[1]!), references: splitList(references[1]!), onDelete: onDelete?.[1] };
  }
  const known = rest.replace(/@(id|unique|updatedAt|db\.Uuid)\b/g, '').replace(DEFAULT, '').replace(/@relation\([^)]*\)/, '').trim();
  if (known) throw new Error(`readPrismaSchema: unsupported attribute on ${model}.${name}: ${known}`);
  return field;
}

// @default(x), one level of parentheses inside (`now()`), or dbgenerated("a SQL expression()").
const DEFAULT = /@default\((dbgenerated\("[^"]*"\)|(?:[^()]|\([^()]*\))*)\)/;

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
