// Analysis templates of an app, versioned like releases (docs/analysis.md): every POST of a name records the next
// version (numbered under the app row lock, as releases are); a deployment resolves the latest version of each name
// it refers to. Credentials are sealed with the row id as associated data and never leave here except to the
// worker that opens them for a measurement.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { canonicalJson, type AnalysisMetric, type AnalysisTemplateDoc } from '@cutover/domain';
import type { AnalysisTemplate, Prisma, PrismaClient } from '../generated/prisma/client';
import { sha256Hex } from '../audit/audit.digest';
import { SecretBox } from '../crypto/secret-box';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

/** Associated data binding a template's sealed credentials to its row. */
export function analysisCredentialsAad(templateId: string): string {
  return `analysis-template:${templateId}`;
}

export interface AnalysisTemplateSpec {
  args: Array<{ name: string; value: string | null }>;
  metrics: AnalysisMetric[];
}

export type AnalysisCredentialsInput = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

export interface AnalysisTemplateRecord {
  id: string;
  applicationId: string;
  name: string;
  version: number;
  spec: AnalysisTemplateSpec;
  digest: string;
  /** Only the kind: the secret is never read back. */
  credentialsKind: 'bearer' | 'basic' | null;
  createdBy: string;
  createdAt: Date;
}

function toRecord(row: AnalysisTemplate): AnalysisTemplateRecord {
  return {
    id: row.id,
    applicationId: row.applicationId,
    name: row.name,
    version: row.version,
    spec: row.spec as unknown as AnalysisTemplateSpec,
    digest: row.digest,
    credentialsKind: (row.credentialsKind as 'bearer' | 'basic' | null) ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

export function toTemplateDoc(r: AnalysisTemplateRecord): AnalysisTemplateDoc {
  return { id: r.id, name: r.name, version: r.version, args: r.spec.args, metrics: r.spec.metrics, credentials: r.credentialsKind ? { kind: r.credentialsKind } : null };
}

const SELECT_NO_SECRET = {
  id: true,
  applicationId: true,
  name: true,
  version: true,
  spec: true,
  digest: true,
  credentialsKind: true,
  createdBy: true,
  createdAt: true,
} as const;

@Injectable()
export class AnalysisTemplateRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  /**
   * Records the next version of template `name`. The caller holds the app row lock, which serialises numbering.
   * Credentials, when given, are sealed to the new row; without them the new version keeps the previous one's.
   */
  async create(
    tx: Tx,
    input: { applicationId: string; name: string; spec: AnalysisTemplateSpec; credentials: AnalysisCredentialsInput | null; createdBy: string },
  ): Promise<AnalysisTemplateRecord> {
    const last = await tx.analysisTemplate.findFirst({ where: { applicationId: input.applicationId, name: input.name }, orderBy: { version: 'desc' } });
    const id = randomUUID();
    let credentialsKind: string | null = null;
    let credentials: Uint8Array<ArrayBuffer> | null = null;
    if (input.credentials) {
      const { kind, ...secret } = input.credentials;
      credentialsKind = kind;
      credentials = new Uint8Array(this.box.seal(JSON.stringify(secret), analysisCredentialsAad(id)));
    } else if (last?.credentials && last.credentialsKind) {
      credentialsKind = last.credentialsKind;
      credentials = new Uint8Array(this.box.seal(this.box.open(last.credentials, analysisCredentialsAad(last.id)), analysisCredentialsAad(id)));
    }
    const row = await tx.analysisTemplate.create({
      data: {
        id,
        applicationId: input.applicationId,
        name: input.name,
        version: (last?.version ?? 0) + 1,
        spec: input.spec as unknown as Prisma.InputJsonValue,
        digest: `sha256:${sha256Hex(canonicalJson(input.spec))}`,
        credentialsKind,
        credentials,
        createdBy: input.createdBy,
      },
      select: SELECT_NO_SECRET,
    });
    return toRecord(row as AnalysisTemplate);
  }

  /** The latest version of every template of the app, by name. */
  async listLatest(applicationId: string): Promise<AnalysisTemplateRecord[]> {
    const rows = await this.prisma.analysisTemplate.findMany({
      where: { applicationId },
      distinct: ['name'],
      orderBy: [{ name: 'asc' }, { version: 'desc' }],
      select: SELECT_NO_SECRET,
    });
    return rows.map((r) => toRecord(r as AnalysisTemplate));
  }

  /** Every version of one template, newest first. */
  async versions(applicationId: string, name: string): Promise<AnalysisTemplateRecord[]> {
    const rows = await this.prisma.analysisTemplate.findMany({ where: { applicationId, name }, orderBy: { version: 'desc' }, select: SELECT_NO_SECRET });
    return rows.map((r) => toRecord(r as AnalysisTemplate));
  }

  /** One version (the latest when `version` is omitted). */
  async find(applicationId: string, name: string, version?: number): Promise<AnalysisTemplateRecord | null> {
    const row = await this.prisma.analysisTemplate.findFirst({
      where: { applicationId, name, ...(version !== undefined ? { version } : {}) },
      orderBy: { version: 'desc' },
      select: SELECT_NO_SECRET,
    });
    return row ? toRecord(row as AnalysisTemplate) : null;
  }

  /** The latest version of each of `names` that exists (for resolving a deployment's analyses). */
  async latestByNames(applicationId: string, names: readonly string[], tx?: Tx): Promise<Record<string, AnalysisTemplateDoc>> {
    if (names.length === 0) return {};
    const rows = await (tx ?? this.prisma).analysisTemplate.findMany({
      where: { applicationId, name: { in: [...names] } },
      distinct: ['name'],
      orderBy: [{ name: 'asc' }, { version: 'desc' }],
      select: SELECT_NO_SECRET,
    });
    return Object.fromEntries(rows.map((r) => [r.name, toTemplateDoc(toRecord(r as AnalysisTemplate))]));
  }

  /** The sealed credentials of a template version (null when it has none or is gone). */
  async sealedCredentials(templateId: string): Promise<{ kind: string; sealed: Buffer } | null> {
    const row = await this.prisma.analysisTemplate.findUnique({ where: { id: templateId }, select: { credentialsKind: true, credentials: true } });
    return row?.credentials && row.credentialsKind ? { kind: row.credentialsKind, sealed: Buffer.from(row.credentials) } : null;
  }
}
