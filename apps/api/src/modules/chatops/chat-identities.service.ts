import { Injectable } from '@nestjs/common';
import { DomainError, type RequestContext } from '@cutover/domain';
import { AuditRepository, type ChatIdentityRecord, ChatIdentityRepository, TransactionRunner } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { type PageQuery, limitOf } from '../../common/pagination/page-query.dto';
import { decodeCursor, mapPage, toPage, type Page } from '../../common/pagination/pagination.rules';
import type { LinkChatIdentityDto } from './dto/chat-identity.dto';
import type { ChatIdentityModel } from './models/chat-identity.model';

export function toIdentityModel(i: ChatIdentityRecord): ChatIdentityModel {
  return {
    id: i.id,
    provider: i.provider,
    teamId: i.teamId,
    userId: i.userId,
    role: i.role,
    apps: i.scopes.apps ?? [],
    environments: i.scopes.environments ?? [],
    createdBy: i.createdBy,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

/** Links chat users to a role and scopes (admin only, like tokens). */
@Injectable()
export class ChatIdentitiesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly identities: ChatIdentityRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Links the user, or relinks it with the new role and scopes. */
  async link(ctx: RequestContext, input: LinkChatIdentityDto): Promise<{ identity: ChatIdentityModel; created: boolean }> {
    if (input.role !== 'deployer' && ((input.apps?.length ?? 0) > 0 || (input.environments?.length ?? 0) > 0)) {
      throw DomainError.validation([{ path: 'apps', rule: 'deployerOnly', message: 'apps and environments limit deployers only' }]);
    }
    const scopes = {
      ...(input.apps && input.apps.length > 0 ? { apps: [...new Set(input.apps)] } : {}),
      ...(input.environments && input.environments.length > 0 ? { environments: [...new Set(input.environments)] } : {}),
    };
    return this.tx.run(async (tx) => {
      const { identity, created } = await this.identities.upsert(tx, { provider: input.provider, teamId: input.teamId, userId: input.userId, role: input.role, scopes, createdBy: ctx.actor.name });
      await this.audit.append(tx, auditEntry(ctx, { action: created ? 'chat-identity.link' : 'chat-identity.relink', resourceType: 'chat-identity', resourceId: `${input.provider}:${input.teamId}/${input.userId}`, input }));
      return { identity: toIdentityModel(identity), created };
    });
  }

  async list(query: PageQuery): Promise<Page<ChatIdentityModel>> {
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['id'] as const);
    const rows = await this.identities.list(limit + 1, after?.id);
    return mapPage(toPage(rows, limit, (last) => ({ id: last.id })), toIdentityModel);
  }

  async unlink(ctx: RequestContext, id: string): Promise<void> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw DomainError.notFound('chat identity', id);
    await this.tx.run(async (tx) => {
      const removed = await this.identities.delete(tx, id);
      if (!removed) throw DomainError.notFound('chat identity', id);
      await this.audit.append(tx, auditEntry(ctx, { action: 'chat-identity.unlink', resourceType: 'chat-identity', resourceId: `${removed.provider}:${removed.teamId}/${removed.userId}` }));
    });
  }
}
