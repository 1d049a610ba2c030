import { Inject, Injectable } from '@nestjs/common';
import { DomainError, parseTemplateInput, type RequestContext } from '@cutover/domain';
import { AnalysisTemplateRepository, ApplicationRepository, AuditRepository, TransactionRunner, type AnalysisTemplateRecord } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { assertInScope } from '../../common/auth/roles.rules';
import type { AnalysisTemplateList, AnalysisTemplateModel } from './models/analysis-template.model';

export function toTemplateModel(app: string, r: AnalysisTemplateRecord): AnalysisTemplateModel {
  return {
    id: r.id,
    app,
    name: r.name,
    version: r.version,
    digest: r.digest,
    args: r.spec.args,
    metrics: r.spec.metrics,
    credentials: r.credentialsKind,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  };
}

/** Credentials never reach the audit log: the input digest is taken without them. */
function withoutSecrets(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { credentials, ...rest } = body as Record<string, unknown>;
  return credentials === undefined ? rest : { ...rest, credentials: '[sealed]' };
}

/** Analysis templates per app, versioned like releases (docs/analysis.md). */
@Injectable()
export class AnalysisTemplatesService {
  constructor(
    @Inject(TransactionRunner) private readonly tx: TransactionRunner,
    @Inject(ApplicationRepository) private readonly apps: ApplicationRepository,
    @Inject(AnalysisTemplateRepository) private readonly templates: AnalysisTemplateRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  /** Records the next version of the template named in `body` (the raw body; libs/domain validates all of it). */
  async create(ctx: RequestContext, appName: string, body: unknown): Promise<AnalysisTemplateModel> {
    assertInScope(ctx.actor, { app: appName });
    if (!(await this.apps.findByName(appName))) throw DomainError.notFound('app', appName);
    const parsed = parseTemplateInput(body);
    if (!parsed.ok) throw DomainError.validation(parsed.errors);
    const input = parsed.value;
    return this.tx.run(async (tx) => {
      // Serialises version numbering per app, as for releases.
      const app = await this.apps.lockByName(tx, appName, 'no-key-update');
      if (!app) throw DomainError.notFound('app', appName);
      const created = await this.templates.create(tx, {
        applicationId: app.id,
        name: input.name,
        spec: { args: input.args, metrics: input.metrics },
        credentials: input.credentials,
        createdBy: ctx.actor.name,
      });
      await this.audit.append(
        tx,
        auditEntry(ctx, { action: 'analysis-template.create', resourceType: 'analysis-template', resourceId: created.id, input: { app: appName, body: withoutSecrets(body) } }),
      );
      return toTemplateModel(appName, created);
    });
  }

  async list(appName: string): Promise<AnalysisTemplateList> {
    const app = await this.apps.findByName(appName);
    if (!app) throw DomainError.notFound('app', appName);
    return { items: (await this.templates.listLatest(app.id)).map((t) => toTemplateModel(appName, t)) };
  }

  async versions(appName: string, name: string): Promise<AnalysisTemplateList> {
    const app = await this.apps.findByName(appName);
    if (!app) throw DomainError.notFound('app', appName);
    const items = await this.templates.versions(app.id, name);
    if (items.length === 0) throw DomainError.notFound('analysis template', `${appName}/${name}`);
    return { items: items.map((t) => toTemplateModel(appName, t)) };
  }

  async get(appName: string, name: string, version?: number): Promise<AnalysisTemplateModel> {
    const app = await this.apps.findByName(appName);
    if (!app) throw DomainError.notFound('app', appName);
    const t = await this.templates.find(app.id, name, version);
    if (!t) throw DomainError.notFound('analysis template', `${appName}/${name}${version !== undefined ? `@${version}` : ''}`);
    return toTemplateModel(appName, t);
  }
}
