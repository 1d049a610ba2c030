import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, type RequestContext, validateReleaseInput } from '@cutover/domain';
import { ApplicationRepository, AuditRepository, type ReleaseRecord, ReleaseRepository, TransactionRunner } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { ReadCache, releaseListScope } from '../../common/cache/read-cache.service';
import { assertInScope } from '../../common/auth/roles.rules';
import { type PageQuery, limitOf } from '../../common/pagination/page-query.dto';
import { type Page, decodeCursor, mapPage, toPage } from '../../common/pagination/pagination.rules';
import type { ReleaseModel } from './models/release.model';

export function toReleaseModel(appName: string, release: ReleaseRecord): ReleaseModel {
  return {
    id: release.id,
    app: appName,
    version: release.version,
    seq: release.seq,
    digest: release.digest,
    spec: release.spec,
    notes: release.notes,
    commitSha: release.commitSha,
    createdBy: release.createdBy,
    createdAt: release.createdAt,
  };
}

@Injectable()
export class ReleasesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly apps: ApplicationRepository,
    private readonly releases: ReleaseRepository,
    private readonly audit: AuditRepository,
    private readonly cache: ReadCache,
  ) {}

  /** `body` is the raw request body (short or full form); libs/domain validates and normalises all of it. */
  async create(ctx: RequestContext, appName: string, body: unknown): Promise<ReleaseModel> {
    assertInScope(ctx.actor, { app: appName });
    if (!(await this.apps.findByName(appName))) throw DomainError.notFound('app', appName);
    const result = validateReleaseInput(body, appName);
    if (!result.ok) throw DomainError.validation(result.errors);
    const input = result.value;
    const id = randomUUID();
    const created = await this.tx.run(async (tx) => {
      // The audit entry first (it takes no lock, and names the release it records), the numbered insert last: the
      // app row lock that serialises numbering per app is then held for one statement and the commit.
      await this.audit.append(
        tx,
        auditEntry(ctx, { action: 'release.create', resourceType: 'release', resourceId: id, names: { app: appName, version: input.version }, input: { app: appName, body } }),
      );
      const release = await this.releases.createNext(tx, appName, {
        id,
        version: input.version,
        spec: input.spec,
        notes: input.notes,
        commitSha: input.commitSha,
        createdBy: ctx.actor.name,
      });
      if (release === 'no-app') throw DomainError.notFound('app', appName);
      if (!release) {
        throw DomainError.conflict(`App "${appName}" already has release "${input.version}"; releases are immutable.`, {
          resource: 'release',
          version: input.version,
        });
      }
      return toReleaseModel(appName, release);
    });
    await this.cache.invalidate(releaseListScope(appName));
    return created;
  }

  /** Newest first. */
  async list(appName: string, query: PageQuery): Promise<Page<ReleaseModel>> {
    // Releases are immutable: a page changes only when a release is added or the app deleted, and both invalidate.
    return this.cache.get(releaseListScope(appName), `${limitOf(query)}|${query.cursor ?? ''}`, () => this.listUncached(appName, query));
  }

  private async listUncached(appName: string, query: PageQuery): Promise<Page<ReleaseModel>> {
    const app = await this.apps.findByName(appName);
    if (!app) throw DomainError.notFound('app', appName);
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['seq'] as const);
    const beforeSeq = after ? Number(after.seq) : undefined;
    if (beforeSeq !== undefined && !Number.isInteger(beforeSeq)) {
      throw DomainError.validation([{ path: 'cursor', rule: 'cursor', message: 'cursor is not one this list handed out' }]);
    }
    const rows = await this.releases.listByApp(app.id, limit + 1, beforeSeq);
    return mapPage(
      toPage(rows, limit, (last) => ({ seq: last.seq })),
      (r) => toReleaseModel(appName, r),
    );
  }

  async get(appName: string, version: string): Promise<ReleaseModel> {
    const app = await this.apps.findByName(appName);
    if (!app) throw DomainError.notFound('app', appName);
    const release = await this.releases.findByVersion(app.id, version);
    if (!release) throw DomainError.notFound('release', `${appName}@${version}`);
    return toReleaseModel(appName, release);
  }
}
