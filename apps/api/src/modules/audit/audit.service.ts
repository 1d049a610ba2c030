import { Injectable } from '@nestjs/common';
import { DomainError } from '@cutover/domain';
import { type AuditEntry, AuditRepository, AuditSealer } from '@cutover/persistence';
import { limitOf } from '../../common/pagination/page-query.dto';
import type { AuditQuery } from './dto/audit-query.dto';
import type { AuditEntryModel, AuditPage, AuditVerificationModel } from './models/audit-entry.model';

export function toAuditEntryModel(row: AuditEntry): AuditEntryModel {
  return {
    seq: row.seq.toString(),
    at: row.at,
    actorTokenId: row.actorTokenId,
    actorName: row.actorName,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    app: row.app,
    environment: row.environment,
    version: row.version,
    cluster: row.cluster,
    requestId: row.requestId,
    interface: row.interface,
    clientAddress: row.clientAddress,
    inputDigest: row.inputDigest,
    outcome: row.outcome,
    statusCode: row.statusCode,
    reason: row.reason,
    sealed: row.hash !== null,
    sealedAt: row.sealedAt,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** Reading the audit log: any authenticated role may, so that every actor can see what was done. */
@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly sealer: AuditSealer,
  ) {}

  async list(query: AuditQuery): Promise<AuditPage> {
    if (query.cursor !== undefined && !/^\d{1,19}$/.test(query.cursor)) {
      throw DomainError.validation([{ path: 'cursor', rule: 'cursor', message: 'cursor is not one this list handed out' }]);
    }
    const separator = query.resource?.indexOf(':') ?? -1;
    const resource = query.resource
      ? separator > 0
        ? { type: query.resource.slice(0, separator), id: query.resource.slice(separator + 1) }
        : { type: query.resource }
      : undefined;
    const page = await this.audit.list({
      actor: query.actor,
      action: query.action,
      app: query.app,
      environment: query.environment,
      resource,
      since: query.since ? new Date(query.since) : undefined,
      limit: limitOf(query),
      cursor: query.cursor,
    });
    return { items: page.items.map(toAuditEntryModel), nextCursor: page.nextCursor };
  }

  /**
   * Seals what has settled first (a no-op when another process is sealing right now), so the answer covers every
   * entry committed before the request as far as possible; what is left is reported as the unsealed tail.
   */
  async verify(): Promise<AuditVerificationModel> {
    await this.sealer.sealNow();
    const startedAt = Date.now();
    const result = await this.audit.verify();
    const { count, oldestAt } = result.unsealed;
    const unsealed = { count, oldestAt, oldestAgeMs: oldestAt ? Math.max(0, startedAt - oldestAt.getTime()) : null };
    return result.ok
      ? { ok: true, count: result.count, firstBroken: null, unsealed }
      : { ok: false, count: result.count, firstBroken: result.firstBroken, unsealed };
  }
}
