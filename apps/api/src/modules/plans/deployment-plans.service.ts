import { Injectable } from '@nestjs/common';
import { DomainError, type RequestContext, parseStrategyDocument, planDeployment, podRequestsOf, type StrategyDocument } from '@cutover/domain';
import { ApplicationRepository, clusterCredentialsAad, ClusterRepository, DeploymentRepository, EnvironmentRepository, ReleaseRepository, SecretBox } from '@cutover/persistence';
import { type ClusterCredentials, readClusterCapacity } from '@cutover/k8s';
import { assertInScope } from '../../common/auth/roles.rules';
import { FreezeWindowsService } from '../freeze-windows/freeze-windows.service';
import type { DryRunAnswerModel } from './models/deployment-plan.model';

/** What a plan is asked for: the fields of a deployment create. */
export interface PlanInput {
  app: string;
  environment: string;
  release: string;
  strategy?: Record<string, unknown>;
}

function fieldError(path: string, rule: string, message: string): DomainError {
  return DomainError.validation([{ path, rule, message }]);
}

function parseStrategy(input: unknown): StrategyDocument {
  const parsed = parseStrategyDocument(input, 'strategy');
  if (!parsed.ok) throw DomainError.validation(parsed.errors);
  return parsed.value;
}

/**
 * Dry-runs: the same checks as a create (scope, app, environment, release, strategy), nothing written, and the plan
 * weighed against the cluster's free capacity (read through libs/k8s, bounded to 5 s). State that changes by the
 * minute (a freeze in force, an active deployment) is a warning of the plan, not a refusal.
 */
@Injectable()
export class DeploymentPlansService {
  constructor(
    private readonly apps: ApplicationRepository,
    private readonly environments: EnvironmentRepository,
    private readonly releases: ReleaseRepository,
    private readonly deployments: DeploymentRepository,
    private readonly clusters: ClusterRepository,
    private readonly box: SecretBox,
    private readonly freezes: FreezeWindowsService,
  ) {}

  async dryRun(ctx: RequestContext, body: PlanInput): Promise<DryRunAnswerModel> {
    assertInScope(ctx.actor, { app: body.app, environment: body.environment });
    const override = body.strategy === undefined || body.strategy === null ? undefined : parseStrategy(body.strategy);
    const app = await this.apps.findByName(body.app);
    if (!app) throw fieldError('app', 'exists', `app "${body.app}" does not exist`);
    const env = await this.environments.findByName(app.id, body.environment);
    if (!env) throw fieldError('environment', 'exists', `app "${body.app}" has no environment "${body.environment}"`);
    const release = await this.releases.findByVersion(app.id, body.release);
    if (!release) throw fieldError('release', 'exists', `app "${body.app}" has no release "${body.release}"`);
    const strategy = override ?? parseStrategy(env.strategy);
    const previous = await this.deployments.latestSucceeded(env.id);
    const [capacity, frozen, active] = await Promise.all([this.capacityOf(env.clusterName), this.freezes.activeFor(app.name, env.name), this.activeIn(env.id)]);
    const plan = planDeployment({
      strategy,
      replicas: env.replicas,
      previousRelease: previous?.release ?? null,
      podRequests: podRequestsOf(release.spec),
      capacity,
      approvals: env.approvals,
      frozen,
    });
    if (active) plan.warnings.push({ code: 'active-deployment', message: `deployment ${active.id} (${active.release}, ${active.phase}) is active here: a real create is refused (409) unless it passes supersede: true`, step: null });
    return { dryRun: true, app: app.name, environment: env.name, release: release.version, previousRelease: previous?.release ?? null, plan };
  }

  private async activeIn(environmentId: string) {
    const rows = await this.deployments.list({ environmentId }, 5);
    return rows.find((d) => d.active) ?? null;
  }

  private async capacityOf(clusterName: string): Promise<{ free: { cpuMillis: number; memoryBytes: number; pods: number } } | { error: string }> {
    const sealed = await this.clusters.findSealedCredentials(clusterName);
    if (!sealed) return { error: `cluster "${clusterName}" is not registered` };
    let credentials: ClusterCredentials;
    try {
      credentials = this.box.openJson<ClusterCredentials>(sealed.credentials, clusterCredentialsAad(sealed.cluster.id));
    } catch {
      return { error: `the credentials of cluster "${clusterName}" cannot be opened (register them again)` };
    }
    const read = await readClusterCapacity(credentials);
    return read.ok ? { free: read.capacity } : { error: read.reason };
  }
}
