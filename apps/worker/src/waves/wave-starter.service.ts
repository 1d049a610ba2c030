import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  approverIdentity,
  deploymentContextOf,
  initialDeploymentState,
  names,
  parseStrategyDocument,
  referencedTemplates,
  resolveStrategyAnalyses,
  supersede,
  type StrategyDocument,
  type WaveStartResult,
  withoutAnalyses,
} from '@cutover/domain';
import {
  AnalysisTemplateRepository,
  AuditRepository,
  DeploymentRepository,
  digestInput,
  EnvironmentRepository,
  type EnvironmentRecord,
  type Prisma,
  type ReleaseRecord,
  ReleaseRepository,
  type Tx,
  type WaveRunRecord,
} from '@cutover/persistence';

/** What one environment's start needs of its run and wave. */
export interface WaveStart {
  run: WaveRunRecord;
  wave: number;
  waveName: string;
  /** The wave's strategy override (null: each environment's own). */
  strategy: unknown;
  release: ReleaseRecord;
  now: number;
}

function refused(environment: string, reason: string): WaveStartResult {
  return { environment, deploymentId: null, phase: 'Refused', reason };
}

/**
 * Creates the deployments of a wave in the run's tick transaction, the way a single create does (docs/waves.md): the
 * environment's row lock first, then the deployment holding it (refused, or superseded with `supersede: true`), the
 * strategy as configured (or the wave's override) with its analysis templates resolved, the environment's approval
 * policy copied in, a `Created` timeline entry and a `deployment.create` audit entry in the same transaction.
 * An environment that cannot start is Refused with why; the others start.
 */
@Injectable()
export class WaveStarter {
  constructor(
    @Inject(EnvironmentRepository) private readonly environments: EnvironmentRepository,
    @Inject(DeploymentRepository) private readonly deployments: DeploymentRepository,
    @Inject(AnalysisTemplateRepository) private readonly templates: AnalysisTemplateRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(ReleaseRepository) private readonly releases: ReleaseRepository,
  ) {}

  async start(tx: Tx, s: WaveStart, environments: readonly string[]): Promise<WaveStartResult[]> {
    const results: WaveStartResult[] = [];
    // One lock order for every path (environment rows by name, then deployments): concurrent starts never deadlock.
    for (const name of [...environments].sort()) results.push(await this.startOne(tx, s, name));
    return results;
  }

  private async startOne(tx: Tx, s: WaveStart, name: string): Promise<WaveStartResult> {
    const { run } = s;
    const env = await this.environments.lock(tx, run.applicationId, name);
    if (!env) return refused(name, `environment ${run.app}/${name} no longer exists`);
    const id = randomUUID();
    const active = await this.deployments.activeIn(tx, env.id);
    if (active) {
      if (!run.state.policy.supersede) return refused(name, `deployment ${active.id} (${active.release}, ${active.phase}) is active in ${run.app}/${name}`);
      const locked = await this.deployments.lockForUpdate(tx, active.id);
      if (locked) {
        const decision = supersede(locked.state, { by: id, actor: run.createdBy, reason: `wave run ${run.id}` }, s.now);
        await this.deployments.recordSuperseded(tx, locked.id, decision, `superseded by ${id} (wave run ${run.id})`);
        await this.audit.append(tx, this.entry(run, 'deployment.supersede', locked.id, { supersededBy: id, waveRunId: run.id }));
      }
    }
    const strategy = this.strategyOf(s, env, name);
    if (typeof strategy === 'string') return refused(name, strategy);
    const previous = await this.deployments.latestSucceeded(env.id, tx);
    const resolved = await this.resolveAnalyses(tx, strategy, env, s.release.version, previous?.release ?? null);
    if (typeof resolved === 'string') return refused(name, resolved);
    const state = initialDeploymentState(
      {
        ...deploymentContextOf({
          app: env.appName,
          environment: env.name,
          replicas: env.replicas,
          release: s.release,
          previousRelease: previous?.release ?? null,
          kind: 'deploy',
          strategy: resolved,
        }),
        approvals: env.approvals,
        releaseDigest: s.release.digest,
        deployer: approverIdentity(run.createdBy, 'rest'),
      },
      s.now,
    );
    const created = await this.deployments.create(
      tx,
      {
        id,
        environmentId: env.id,
        releaseId: s.release.id,
        previousReleaseId: previous?.releaseId ?? null,
        kind: 'deploy',
        rollbackOfId: null,
        strategy: resolved as unknown as Prisma.InputJsonValue,
        state,
        reason: run.reason,
        createdBy: run.createdBy,
        createdByTokenId: run.createdByTokenId,
        waveRunId: run.id,
      },
      {
        type: 'Created',
        message: `wave run ${run.id} (wave ${s.waveName}) deploys ${s.release.version} with ${resolved.type}${previous ? ` (serving now: ${previous.release})` : ' (first deployment)'}`,
        data: { release: s.release.version, previousRelease: previous?.release ?? null, strategy: resolved.type, kind: 'deploy', reason: run.reason, waveRunId: run.id, wave: s.waveName },
        actor: run.createdBy,
      },
    );
    await this.audit.append(tx, this.entry(run, 'deployment.create', created.id, { waveRunId: run.id, wave: s.waveName, environment: name, release: s.release.version }));
    return { environment: name, deploymentId: created.id, phase: created.phase, reason: null };
  }

  /**
   * Rolls back a succeeded deployment of the run the way `POST /v1/deployments/:id/rollback` does: a new deployment
   * (kind rollback) of the release that served before it, with the environment's strategy without analyses, when it
   * is still what serves there and nothing else holds the environment. Answers the new deployment's id, or why not.
   */
  async rollbackSucceeded(tx: Tx, run: WaveRunRecord, deploymentId: string, reason: string, now: number): Promise<{ id: string } | { skipped: string }> {
    const found = await this.deployments.findById(deploymentId, tx);
    if (!found) return { skipped: 'gone' };
    const env = await this.environments.lock(tx, found.applicationId, found.environment);
    const d = await this.deployments.lockForUpdate(tx, deploymentId);
    if (!env || !d || d.phase !== 'Succeeded') return { skipped: `no longer Succeeded` };
    const latest = await this.deployments.latestSucceeded(env.id, tx);
    if (latest && latest.id !== d.id) return { skipped: `not what serves in ${d.environment} any more (${latest.id})` };
    if (d.previousReleaseId === null || d.previousRelease === null) return { skipped: 'it was the first deployment there' };
    const active = await this.deployments.activeIn(tx, env.id);
    if (active) return { skipped: `deployment ${active.id} is active there` };
    const release = await this.releases.findByVersion(env.applicationId, d.previousRelease, tx);
    const parsed = parseStrategyDocument(env.strategy, 'strategy');
    if (!release || !parsed.ok) return { skipped: 'its previous release or the environment strategy cannot be read' };
    const strategy = withoutAnalyses(parsed.value);
    const state = initialDeploymentState(
      {
        ...deploymentContextOf({ app: env.appName, environment: env.name, replicas: env.replicas, release, previousRelease: d.release, kind: 'rollback', strategy }),
        approvals: null,
        releaseDigest: release.digest,
        deployer: approverIdentity(run.createdBy, 'rest'),
      },
      now,
    );
    const created = await this.deployments.create(
      tx,
      {
        environmentId: env.id,
        releaseId: release.id,
        previousReleaseId: d.releaseId,
        kind: 'rollback',
        rollbackOfId: d.id,
        strategy: strategy as unknown as Prisma.InputJsonValue,
        state,
        reason,
        createdBy: run.createdBy,
        createdByTokenId: run.createdByTokenId,
        waveRunId: run.id,
      },
      {
        type: 'Created',
        message: `wave run ${run.id} rolls ${d.release} back to ${release.version} (rollback of ${d.id}): ${reason}`,
        data: { release: release.version, previousRelease: d.release, strategy: strategy.type, kind: 'rollback', rollbackOf: d.id, reason, waveRunId: run.id },
        actor: run.createdBy,
      },
    );
    await this.deployments.appendEvent(tx, d.id, {
      type: 'RollbackRequested',
      message: `wave run ${run.id} asked to roll back to ${release.version}: deployment ${created.id}`,
      data: { rollbackDeploymentId: created.id, reason, waveRunId: run.id },
      actor: run.createdBy,
    });
    await this.audit.append(tx, this.entry(run, 'deployment.rollback', d.id, { rollbackDeploymentId: created.id, waveRunId: run.id }));
    await this.audit.append(tx, this.entry(run, 'deployment.create', created.id, { rollbackOf: d.id, release: release.version, waveRunId: run.id }));
    return { id: created.id };
  }

  private strategyOf(s: WaveStart, env: EnvironmentRecord, name: string): StrategyDocument | string {
    const parsed = parseStrategyDocument(s.strategy ?? env.strategy, 'strategy');
    if (parsed.ok) return parsed.value;
    return `the strategy for ${name} is not valid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
  }

  private async resolveAnalyses(tx: Tx, strategy: StrategyDocument, env: EnvironmentRecord, release: string, previousRelease: string | null): Promise<StrategyDocument | string> {
    const templates = await this.templates.latestByNames(env.applicationId, referencedTemplates(strategy), tx);
    const resolved = resolveStrategyAnalyses(
      strategy,
      templates,
      {
        release: { version: release, previousVersion: previousRelease ?? '' },
        deployment: {
          app: env.appName,
          environment: env.name,
          namespace: env.namespace,
          canaryService: names.canary(env.appName),
          stableService: names.stable(env.appName),
          activeService: names.primary(env.appName),
          previewService: names.preview(env.appName),
        },
      },
      'strategy',
    );
    return resolved.ok ? resolved.value : `its analysis cannot be resolved: ${resolved.errors.map((e) => e.message).join('; ')}`;
  }

  private entry(run: WaveRunRecord, action: string, resourceId: string, input: Record<string, unknown>) {
    return {
      actorTokenId: run.createdByTokenId,
      actorName: run.createdBy,
      action,
      resourceType: 'deployment',
      resourceId,
      interface: 'system' as const,
      inputDigest: digestInput(input),
      outcome: 'success' as const,
      reason: `wave run ${run.id}`,
    };
  }
}
