import { Injectable } from '@nestjs/common';
import type { Role, TokenScopes } from '@cutover/domain';
import type { ApiToken } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

/** An API token as the rest of the code sees it: never the secret, never its hash. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  scopes: TokenScopes;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiToken {
  name: string;
  role: Role;
  prefix: string;
  secretHash: string;
  scopes: TokenScopes;
  createdBy: string;
}

/** Keyset position of a token list (oldest first). */
export interface TokenListPosition {
  createdAt: Date;
  id: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

export function toTokenRecord(row: ApiToken): ApiTokenRecord {
  const scopes = (row.scopes ?? {}) as Record<string, unknown>;
  const apps = stringList(scopes['apps']);
  const environments = stringList(scopes['environments']);
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    prefix: row.prefix,
    scopes: { ...(apps ? { apps } : {}), ...(environments ? { environments } : {}) },
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

@Injectable()
export class TokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, token: NewApiToken): Promise<ApiTokenRecord> {
    const row = await tx.apiToken.create({ data: { ...token, scopes: { ...token.scopes } } });
    return toTokenRecord(row);
  }

  /**
   * Creates the token unless one with the same secret hash exists (`ON CONFLICT DO NOTHING` on the unique hash),
   * so N replicas starting at once with the same bootstrap secret end with exactly one row.
   */
  async ensure(token: NewApiToken): Promise<{ created: boolean; token: ApiTokenRecord }> {
    const { count } = await this.prisma.apiToken.createMany({ data: [{ ...token, scopes: { ...token.scopes } }], skipDuplicates: true });
    const row = await this.prisma.apiToken.findUniqueOrThrow({ where: { secretHash: token.secretHash } });
    return { created: count === 1, token: toTokenRecord(row) };
  }

  async findBySecretHash(secretHash: string): Promise<ApiTokenRecord | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { secretHash } });
    return row ? toTokenRecord(row) : null;
  }

  async findById(id: string, tx?: Tx): Promise<ApiTokenRecord | null> {
    if (!uuid.test(id)) return null;
    const row = await (tx ?? this.prisma).apiToken.findUnique({ where: { id } });
    return row ? toTokenRecord(row) : null;
  }

  /** Oldest first; `take` rows after `after`. */
  async list(take: number, after?: TokenListPosition): Promise<ApiTokenRecord[]> {
    const rows = await this.prisma.apiToken.findMany({
      where: after
        ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
        : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take,
    });
    return rows.map(toTokenRecord);
  }

  /** Marks the token revoked; a token already revoked keeps its first revocation time. */
  async revoke(tx: Tx, id: string, at: Date): Promise<ApiTokenRecord | null> {
    if (!uuid.test(id)) return null;
    await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    const row = await tx.apiToken.findUnique({ where: { id } });
    return row ? toTokenRecord(row) : null;
  }

  /** Records use without a write per request: only when the stored time is older than `staleBefore`. */
  async touchLastUsed(id: string, at: Date, staleBefore: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
