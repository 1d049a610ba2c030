import { Injectable } from '@nestjs/common';
import { type ApprovalPolicy, DomainError, type FieldError, parseApprovalPolicy, parseDuration, type RequestContext, parseStrategyDocument, validateLabels } from '@cutover/domain';
import {
  ApplicationRepository,
  AuditRepository,
  DeploymentApprovalRepository,
  type EnvironmentRecord,
  EnvironmentRepository,
  type EnvironmentService,
  Prisma,
  TransactionRunner,
} from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { type PageQuery, limitOf } from '../../common/pagination/page-query.dto';
import { type Page, decodeCursor, mapPage, toPage } from '../../common/pagination/pagination.rules';
import type { CreateEnvironmentDto, EnvironmentServiceDto, UpdateEnvironmentDto } from './dto/environment.dto';
import type { EnvironmentModel } from './models/environment.model';

/** An environment's strategy when none is given: Kubernetes' own Deployment default. */
export const DEFAULT_STRATEGY = { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' } as const;

const IMMUTABLE = ['name', 'cluster', 'namespace'] as const;

export function toEnvironmentModel(env: EnvironmentRecord): EnvironmentModel {
  return {
    id: env.id,
    app: env.appName,
    name: env.name,
    cluster: env.clusterName,
    namespace: env.namespace,
    replicas: env.replicas,
    strategy: env.strategy,
    service: env.service,
    protected: env.protected,
    approvals: env.approvals as unknown as Record<string, unknown> | null,
    labels: env.labels,
    createdAt: env.createdAt,
    updatedAt: env.updatedAt,
  };
}

/** The strategy document, normalised by libs/domain: the one place its rules live. */
function parseStrategy(input: unknown): Prisma.InputJsonValue {
  const parsed = parseStrategyDocument(input, 'strategy');
  if (!parsed.ok) throw DomainError.validation(parsed.errors);
  return parsed.value as unknown as Prisma.InputJsonValue;
}

/** Kubernetes label syntax, the rule apps and clusters use too (libs/domain `validateLabels`). */
function parseLabels(input: unknown): Record<string, string> {
  const parsed = validateLabels(input);
  if (!parsed.ok) throw DomainError.validation(parsed.errors);
  return parsed.value;
}

function toService(dto: EnvironmentServiceDto | null | undefined): EnvironmentService | null {
  return dto ? { port: dto.port, targetPort: dto.targetPort } : null;
}

@Injectable()
export class EnvironmentsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly apps: ApplicationRepository,
    private readonly environments: EnvironmentRepository,
    private readonly audit: AuditRepository,
    private readonly approvers: DeploymentApprovalRepository,
  ) {}

  /** The policy a PATCH asks for, checked against who could ever approve (null: remove it; undefined: unchanged). */
  private async approvalPolicy(input: UpdateEnvironmentDto, protectedEnvironment: boolean): Promise<ApprovalPolicy | null | undefined> {
    if (input.approvals === undefined) return undefined;
    if (input.approvals === null) return null;
    const raw = input.approvals;
    let expiresAfterSeconds: number | null = null;
    if (raw.expiresAfter !== undefined && raw.expiresAfter !== null) {
      const parsed = parseDuration(raw.expiresAfter);
      if (parsed === undefined) throw DomainError.validation([{ path: 'approvals.expiresAfter', rule: 'duration', message: 'expiresAfter must be like "4h", "30m" or a number of seconds' }]);
      expiresAfterSeconds = parsed;
    }
    const unknown = Object.keys(raw).filter((k) => !['required', 'from', 'expiresAfter', 'excludeDeployer', 'on'].includes(k));
    if (unknown.length > 0) {
      throw DomainError.validation(unknown.map((k) => ({ path: `approvals.${k}`, rule: 'unknown', message: `approvals has no field "${k}" (required, from, expiresAfter, excludeDeployer, on)` })));
    }
    const parsed = parseApprovalPolicy({ ...raw, expiresAfterSeconds }, { holdersByRole: await this.approvers.holdersByRole(), protectedEnvironment });
    if (!parsed.ok) throw DomainError.validation(parsed.errors);
    return parsed.value;
  }

  private async appId(name: string): Promise<string> {
    const app = await this.apps.findByName(name);
    if (!app) throw DomainError.notFound('app', name);
    return app.id;
  }

  async create(ctx: RequestContext, appName: string, input: CreateEnvironmentDto): Promise<EnvironmentModel> {
    await this.appId(appName);
    const strategy = parseStrategy(input.strategy ?? DEFAULT_STRATEGY);
    const service = toService(input.service);
    const labels = parseLabels(input.labels);
    return this.tx.run(async (tx) => {
      // Waits out a concurrent delete of the app (which locks it FOR UPDATE), then answers 404 instead of
      // failing on a foreign key.
      const app = await this.apps.lockByName(tx, appName, 'no-key-update');
      if (!app) throw DomainError.notFound('app', appName);
      const applicationId = app.id;
      const clusterId = await this.environments.clusterIdByName(tx, input.cluster);
      if (!clusterId) {
        throw DomainError.validation([{ path: 'cluster', rule: 'cluster-exists', message: `cluster "${input.cluster}" is not registered` }]);
      }
      const env = await this.environments.create(tx, {
        applicationId,
        name: input.name,
        clusterId,
        namespace: input.namespace,
        replicas: input.replicas,
        strategy,
        service,
        protected: input.protected ?? false,
        labels,
      });
      if (!env) {
        throw DomainError.conflict(`App "${appName}" already has an environment "${input.name}".`, { resource: 'environment', name: input.name });
      }
      await this.audit.append(
        tx,
        auditEntry(ctx, { action: 'environment.create', resourceType: 'environment', resourceId: env.id, input: { app: appName, ...input } }),
      );
      return toEnvironmentModel(env);
    });
  }

  async list(appName: string, query: PageQuery): Promise<Page<EnvironmentModel>> {
    const applicationId = await this.appId(appName);
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['name'] as const);
    const rows = await this.environments.listByApp(applicationId, limit + 1, after?.name);
    return mapPage(
      toPage(rows, limit, (last) => ({ name: last.name })),
      toEnvironmentModel,
    );
  }

  async get(appName: string, name: string): Promise<EnvironmentModel> {
    const env = await this.environments.findByName(await this.appId(appName), name);
    if (!env) throw DomainError.notFound('environment', `${appName}/${name}`);
    return toEnvironmentModel(env);
  }

  async update(ctx: RequestContext, appName: string, name: string, input: UpdateEnvironmentDto): Promise<EnvironmentModel> {
    const applicationId = await this.appId(appName);
    const strategy = input.strategy === undefined || input.strategy === null ? undefined : parseStrategy(input.strategy);
    const labels = input.labels === undefined || input.labels === null ? undefined : parseLabels(input.labels);
    const current = await this.environments.findByName(applicationId, name);
    const approvals = await this.approvalPolicy(input, input.protected ?? current?.protected ?? false);
    return this.tx.run(async (tx) => {
      const env = await this.environments.lock(tx, applicationId, name);
      if (!env) throw DomainError.notFound('environment', `${appName}/${name}`);
      const fixed = { name: env.name, cluster: env.clusterName, namespace: env.namespace };
      const errors: FieldError[] = IMMUTABLE.filter((field) => input[field] !== undefined && input[field] !== fixed[field]).map(
        (field) => ({ path: field, rule: 'immutable', message: `${field} cannot change; create another environment instead` }),
      );
      if (errors.length) throw DomainError.validation(errors);
      const updated = await this.environments.update(tx, env.id, {
        ...(input.replicas !== undefined && input.replicas !== null ? { replicas: input.replicas } : {}),
        ...(strategy !== undefined ? { strategy } : {}),
        ...(input.service !== undefined ? { service: toService(input.service) } : {}),
        ...(input.protected !== undefined && input.protected !== null ? { protected: input.protected } : {}),
        ...(approvals !== undefined ? { approvals } : {}),
        ...(labels !== undefined ? { labels } : {}),
      });
      await this.audit.append(
        tx,
        auditEntry(ctx, { action: 'environment.update', resourceType: 'environment', resourceId: env.id, input: { app: appName, name, ...input } }),
      );
      return toEnvironmentModel(updated);
    });
  }

  /** Refused (409) while a deployment is active in it. */
  async delete(ctx: RequestContext, appName: string, name: string): Promise<void> {
    const applicationId = await this.appId(appName);
    await this.tx.run(async (tx) => {
      const env = await this.environments.lock(tx, applicationId, name);
      if (!env) throw DomainError.notFound('environment', `${appName}/${name}`);
      const active = await this.environments.activeDeploymentId(tx, env.id);
      if (active) {
        throw DomainError.conflict(`Environment "${appName}/${name}" has an active deployment; wait for it to end or abort it first.`, {
          activeDeploymentId: active,
        });
      }
      await this.environments.delete(tx, env.id);
      await this.audit.append(
        tx,
        auditEntry(ctx, { action: 'environment.delete', resourceType: 'environment', resourceId: env.id, names: { app: appName, environment: name, cluster: env.clusterName }, input: { app: appName, name } }),
      );
    });
  }
}
