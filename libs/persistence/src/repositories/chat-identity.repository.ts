import { Injectable } from '@nestjs/common';
import type { Role, TokenScopes } from '@cutover/domain';
import type { ChatIdentity } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

export interface ChatIdentityRecord {
  id: string;
  provider: 'slack';
  teamId: string;
  userId: string;
  role: Role;
  scopes: TokenScopes;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewChatIdentity {
  provider: 'slack';
  teamId: string;
  userId: string;
  role: Role;
  scopes: TokenScopes;
  createdBy: string;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

function toRecord(row: ChatIdentity): ChatIdentityRecord {
  const s = (row.scopes ?? {}) as Record<string, unknown>;
  const apps = strings(s.apps);
  const environments = strings(s.environments);
  return {
    id: row.id,
    provider: 'slack',
    teamId: row.teamId,
    userId: row.userId,
    role: row.role as Role,
    scopes: { ...(apps ? { apps } : {}), ...(environments ? { environments } : {}) },
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Injectable()
export class ChatIdentityRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Links the chat user, or relinks it with the new role and scopes (one row per provider, team and user). */
  async upsert(tx: Tx, identity: NewChatIdentity): Promise<{ identity: ChatIdentityRecord; created: boolean }> {
    const key = { provider: identity.provider, teamId: identity.teamId, userId: identity.userId };
    const existing = await tx.chatIdentity.findUnique({ where: { provider_teamId_userId: key } });
    const row = await tx.chatIdentity.upsert({
      where: { provider_teamId_userId: key },
      create: { ...identity, scopes: { ...identity.scopes } },
      update: { role: identity.role, scopes: { ...identity.scopes } },
    });
    return { identity: toRecord(row), created: existing === null };
  }

  async find(provider: 'slack', teamId: string, userId: string): Promise<ChatIdentityRecord | null> {
    const row = await this.prisma.chatIdentity.findUnique({ where: { provider_teamId_userId: { provider, teamId, userId } } });
    return row ? toRecord(row) : null;
  }

  async list(take: number, after?: string): Promise<ChatIdentityRecord[]> {
    const rows = await this.prisma.chatIdentity.findMany({ where: after ? { id: { gt: after } } : {}, orderBy: { id: 'asc' }, take });
    return rows.map(toRecord);
  }

  async delete(tx: Tx, id: string): Promise<ChatIdentityRecord | null> {
    const row = await tx.chatIdentity.findUnique({ where: { id } });
    if (!row) return null;
    await tx.chatIdentity.delete({ where: { id } });
    return toRecord(row);
  }
}
