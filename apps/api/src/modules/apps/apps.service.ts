import { Injectable } from '@nestjs/common';
import { DomainError, type RequestContext, validateLabels } from '@cutover/domain';
import { type ApplicationRecord, ApplicationRepository, AuditRepository, TransactionRunner } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { ReadCache, releaseListScope } from '../../common/cache/read-cache.service';
import { limitOf } from '../../common/pagination/page-query.dto';
import { type Page, decodeCursor, mapPage, toPage } from '../../common/pagination/pagination.rules';
import type { CreateAppDto } from './dto/create-app.dto';
import type { ListAppsQuery } from './dto/list-apps.query.dto';
import type { AppModel } from './models/app.model';

export function toAppModel(app: ApplicationRecord): AppModel {
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    labels: app.labels,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

function labelFilters(filters: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const filter of filters ?? []) {
    const eq = filter.indexOf('=');
    out[filter.slice(0, eq)] = filter.slice(eq + 1);
  }
  return out;
}

@Injectable()
export class AppsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly apps: ApplicationRepository,
    private readonly audit: AuditRepository,
    private readonly cache: ReadCache,
  ) {}

  async create(ctx: RequestContext, input: CreateAppDto): Promise<AppModel> {
    const labels = validateLabels(input.labels ?? {}, 'labels');
    if (!labels.ok) throw DomainError.validation(labels.errors);
    const app = { name: input.name, description: input.description ?? null, labels: labels.value };
    return this.tx.run(async (tx) => {
      const created = await this.apps.create(tx, app);
      if (!created) throw DomainError.conflict(`App "${input.name}" already exists.`, { resource: 'app', name: input.name });
      await this.audit.append(tx, auditEntry(ctx, { action: 'app.create', resourceType: 'app', resourceId: created.id, input: app }));
      return toAppModel(created);
    });
  }

  async list(query: ListAppsQuery): Promise<Page<AppModel>> {
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['name'] as const);
    const rows = await this.apps.list({ take: limit + 1, afterName: after?.name, labels: labelFilters(query.label) });
    return mapPage(
      toPage(rows, limit, (last) => ({ name: last.name })),
      toAppModel,
    );
  }

  async get(name: string): Promise<AppModel> {
    const app = await this.apps.findByName(name);
    if (!app) throw DomainError.notFound('app', name);
    return toAppModel(app);
  }

  /** Refused (409) while one of its deployments is active: deleting would orphan a rollout in flight. */
  async delete(ctx: RequestContext, name: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const app = await this.apps.lockByName(tx, name, 'update');
      if (!app) throw DomainError.notFound('app', name);
      const active = await this.apps.activeDeploymentId(tx, app.id);
      if (active) {
        throw DomainError.conflict(`App "${name}" has an active deployment; wait for it to end or abort it first.`, {
          activeDeploymentId: active,
        });
      }
      await this.apps.delete(tx, app.id);
      await this.audit.append(tx, auditEntry(ctx, { action: 'app.delete', resourceType: 'app', resourceId: app.id, names: { app: name }, input: { name } }));
    });
    // Its releases went with it (cascade): cached release lists must not outlive the app.
    await this.cache.invalidate(releaseListScope(name));
  }
}
