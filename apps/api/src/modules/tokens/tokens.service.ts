import { Injectable } from '@nestjs/common';
import { DomainError, type RequestContext } from '@cutover/domain';
import { type ApiTokenRecord, AuditRepository, TokenRepository, TransactionRunner, generateToken, hashToken, tokenPrefix } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { TokenAuthService } from '../../common/auth/token-auth.service';
import { type PageQuery, limitOf } from '../../common/pagination/page-query.dto';
import { type Page, decodeCursor, mapPage, toPage } from '../../common/pagination/pagination.rules';
import type { CreateTokenDto } from './dto/create-token.dto';
import type { CreatedTokenModel, TokenModel } from './models/token.model';

export function toTokenModel(token: ApiTokenRecord): TokenModel {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    prefix: token.prefix,
    scopes: token.scopes,
    createdBy: token.createdBy,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
  };
}

@Injectable()
export class TokensService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly tokens: TokenRepository,
    private readonly audit: AuditRepository,
    private readonly auth: TokenAuthService,
  ) {}

  async create(ctx: RequestContext, input: CreateTokenDto): Promise<CreatedTokenModel> {
    const scopes = { ...(input.scopes?.apps?.length ? { apps: input.scopes.apps } : {}), ...(input.scopes?.environments?.length ? { environments: input.scopes.environments } : {}) };
    if (input.role !== 'deployer' && Object.keys(scopes).length > 0) {
      throw DomainError.validation([{ path: 'scopes', rule: 'deployerOnly', message: 'scopes apply to deployer tokens only' }]);
    }
    const secret = generateToken();
    return this.tx.run(async (tx) => {
      const token = await this.tokens.create(tx, {
        name: input.name,
        role: input.role,
        prefix: tokenPrefix(secret),
        secretHash: hashToken(secret),
        scopes,
        createdBy: ctx.actor.name,
      });
      await this.audit.append(tx, auditEntry(ctx, { action: 'token.create', resourceType: 'token', resourceId: token.id, input: { name: input.name, role: input.role, scopes } }));
      return { ...toTokenModel(token), secret };
    });
  }

  async list(query: PageQuery): Promise<Page<TokenModel>> {
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['createdAt', 'id'] as const);
    const position = after ? { createdAt: new Date(after.createdAt), id: after.id } : undefined;
    if (position && Number.isNaN(position.createdAt.getTime())) throw DomainError.validation([{ path: 'cursor', rule: 'cursor', message: 'cursor is not one this list handed out' }]);
    const rows = await this.tokens.list(limit + 1, position);
    return mapPage(toPage(rows, limit, (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id })), toTokenModel);
  }

  async get(id: string): Promise<TokenModel> {
    const token = await this.tokens.findById(id);
    if (!token) throw DomainError.notFound('token', id);
    return toTokenModel(token);
  }

  async revoke(ctx: RequestContext, id: string): Promise<TokenModel> {
    const token = await this.tx.run(async (tx) => {
      const revoked = await this.tokens.revoke(tx, id, new Date());
      if (!revoked) throw DomainError.notFound('token', id);
      await this.audit.append(tx, auditEntry(ctx, { action: 'token.revoke', resourceType: 'token', resourceId: revoked.id }));
      return revoked;
    });
    this.auth.forget(token.id);
    return toTokenModel(token);
  }
}
