import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  applyWaveRunCommand,
  canApplyWaveRunCommand,
  DomainError,
  duplicateErrors,
  type FieldError,
  formatLabelSelector,
  initialWaveRunState,
  parseEnvironmentSelectors,
  parseStrategyDocument,
  parseWaveRunRequest,
  type RequestContext,
  selectEnvironments,
  type StrategyDocument,
  type WaveRunCommand,
  type WaveRunCommandType,
  type WaveRunInit,
} from '@cutover/domain';
import {
  AnalysisTemplateRepository,
  ApplicationRepository,
  AuditRepository,
  DeploymentRepository,
  type EnvironmentRecord,
  EnvironmentRepository,
  ReleaseRepository,
  TransactionRunner,
  type WaveRunRecord,
  WaveRunRepository,
} from '@cutover/persistence';
import { DeploymentQueue, publishEventsCommitted, WaveRunQueue } from '@cutover/queue';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { assertInScope } from '../../common/auth/roles.rules';
import { API_LOGGER } from '../../common/logging/logging.module';
import { limitOf, type PageQuery } from '../../common/pagination/page-query.dto';
import { decodeCursor, type Page, toPage } from '../../common/pagination/pagination.rules';
import { AnalysisResolver } from '../analysis-templates/analysis-resolver.service';
import { DeploymentCommandsService } from '../deployments/deployment-commands.service';
import { FreezeWindowsService } from '../freeze-windows/freeze-windows.service';
import type { StartWaveDto } from './dto/start-wave.dto';
import type { WaveRunModel } from './models/wave-run.model';
import { toWaveRunModel } from './wave-run.mapper';

function configured(env: EnvironmentRecord): StrategyDocument | null {
  const s = parseStrategyDocument(env.strategy, 'strategy');
  return s.ok ? s.value : null;
}

/** A wave's environments as resolved at creation, with the path each was named at. */
interface Placed {
  env: EnvironmentRecord;
  path: string;
}

/**
 * Wave runs (docs/waves.md): create (everything checked before anything is written; the run is born with its
 * first wave's environments Starting and the worker creates their deployments through the same start rules as a
 * single create), read, and the commands abort, pause, resume and promote, each judged by the machine's own
 * `canApplyWaveRunCommand` under the run's row lock and audited in the transaction that changes it.
 */
@Injectable()
export class WaveRunsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly apps: ApplicationRepository,
    private readonly environments: EnvironmentRepository,
    private readonly releases: ReleaseRepository,
    private readonly deployments: DeploymentRepository,
    private readonly templates: AnalysisTemplateRepository,
    private readonly runs: WaveRunRepository,
    private readonly audit: AuditRepository,
    private readonly analyses: AnalysisResolver,
    private readonly freezes: FreezeWindowsService,
    private readonly commands: DeploymentCommandsService,
    private readonly queue: WaveRunQueue,
    private readonly deploymentQueue: DeploymentQueue,
    @Inject(API_LOGGER) private readonly log: Logger,
  ) {}

  async start(ctx: RequestContext, appName: string, body: StartWaveDto): Promise<WaveRunModel> {
    assertInScope(ctx.actor, { app: appName });
    const parsed = parseWaveRunRequest(body);
    if (!parsed.ok) throw DomainError.validation(parsed.errors);
    const req = parsed.value;
    const app = await this.apps.findByName(appName);
    if (!app) throw DomainError.notFound('app', appName);
    const errors: FieldError[] = [];
    const release = await this.releases.findByVersion(app.id, req.release);
    if (!release) errors.push({ path: 'release', rule: 'exists', message: `app "${app.name}" has no release "${req.release}"` });
    const all = await this.environments.listForSelection(app.id);
    const byName = new Map(all.map((e) => [e.name, e]));
    const selectable = all.map((e) => ({ ...e, cluster: { name: e.clusterName, labels: e.clusterLabels } }));
    const selectors: Array<string | null> = [];

    const waves: Placed[][] = req.waves.map((w, i) => {
      if (w.environments === null) {
        // By label: resolved now and frozen into the run (labels changed later do not move it).
        const sel = parseEnvironmentSelectors({ environmentSelector: w.environmentSelector, clusterSelector: w.clusterSelector }, `waves[${i}]`);
        if (!sel.ok) {
          errors.push(...sel.errors);
          selectors.push(null);
          return [];
        }
        const text = [sel.value.environmentSelector && formatLabelSelector(sel.value.environmentSelector), sel.value.clusterSelector && `cluster: ${formatLabelSelector(sel.value.clusterSelector)}`].filter(Boolean).join('; ');
        selectors.push(text);
        const path = w.environmentSelector !== null ? `waves[${i}].environmentSelector` : `waves[${i}].clusterSelector`;
        const chosen = selectEnvironments(selectable, sel.value);
        if (chosen.length === 0) errors.push({ path, rule: 'notEmpty', message: `${path} "${text}" selects no environment of app "${app.name}" (an empty wave deploys nothing)` });
        return chosen.map((env) => ({ env, path: `${path} (${env.name})` }));
      }
      selectors.push(null);
      return w.environments.flatMap((name, j) => {
        const env = byName.get(name);
        if (!env) {
          errors.push({ path: `waves[${i}].environments[${j}]`, rule: 'exists', message: `app "${app.name}" has no environment "${name}"` });
          return [];
        }
        return [{ env, path: `waves[${i}].environments[${j}]` }];
      });
    });
    errors.push(...duplicateErrors(waves.flat().map((p) => ({ e: p.env.name, path: p.path }))));

    // Strategy overrides, and every analysis template the run will need (each environment's strategy and the gates).
    const overrides = req.waves.map((w, i): StrategyDocument | null => {
      if (w.strategy === null) return null;
      const s = parseStrategyDocument(w.strategy, `waves[${i}].strategy`);
      if (!s.ok) errors.push(...s.errors);
      return s.ok ? s.value : null;
    });
    await this.checkTemplates(app.id, req.waves, errors);
    // The machine waits for a gate analysis' verdict, but the worker does not measure one yet: refused rather than
    // a run that would wait at its gate for ever (docs/waves.md, "Not yet").
    req.waves.forEach((w, i) => {
      if (w.gate.analysis) errors.push({ path: `waves[${i}].gate.analysis`, rule: 'supported', message: `waves[${i}].gate.analysis: gate analyses are not measured by this server yet; put the analysis in the environments' strategy (docs/analysis.md)` });
    });
    if (errors.length > 0) throw DomainError.validation(errors);
    if (!release) throw DomainError.validation(errors);

    for (const [i, placed] of waves.entries()) {
      for (const { env, path } of placed) {
        assertInScope(ctx.actor, { app: app.name, environment: env.name });
        const doc = overrides[i] ?? configured(env);
        if (doc) await this.analyses.resolve(doc, { applicationId: app.id, app: app.name, environment: env.name, namespace: env.namespace, release: release.version, previousRelease: null }, path);
        // Freeze windows in force now refuse the run (409 naming the window); later waves are judged when they start.
        await this.freezes.admit(ctx, { app: app.name, environment: env.name, kind: 'deploy', override: null });
      }
    }

    const init: WaveRunInit = {
      app: app.name,
      release: release.version,
      waves: req.waves.map((w, i) => ({
        name: w.name,
        maxParallel: w.maxParallel,
        selector: selectors[i] ?? null,
        strategy: w.strategy,
        gate: w.gate,
        environments: waves[i]!.map(({ env }) => ({ environment: env.name, environmentId: env.id, cluster: env.clusterName })),
      })),
      policy: req.policy,
      createdBy: ctx.actor.name,
      createdByTokenId: ctx.actor.tokenId,
      reason: req.reason,
    };
    const created = await this.tx.run(async (tx) => {
      // An environment held by another deployment is refused now (409 naming it), unless supersede: true.
      if (!req.policy.supersede) {
        for (const { env, path } of waves.flat().sort((a, b) => a.env.name.localeCompare(b.env.name))) {
          await this.environments.lock(tx, app.id, env.name);
          const active = await this.deployments.activeIn(tx, env.id);
          if (active) {
            throw DomainError.conflict(`Deployment ${active.id} (${active.release}, ${active.phase}) is active in ${app.name}/${env.name} (${path}); wait for it, abort it, or pass supersede: true.`, {
              environment: env.name,
              field: path,
              activeDeploymentId: active.id,
              activePhase: active.phase,
            });
          }
        }
      }
      const decision = initialWaveRunState(init, Date.now());
      const run = await this.runs.create(tx, { applicationId: app.id, releaseId: release.id, state: decision.state, reason: req.reason, createdBy: ctx.actor.name, createdByTokenId: ctx.actor.tokenId });
      await this.audit.append(
        tx,
        auditEntry(ctx, { action: 'wave-run.create', resourceType: 'wave-run', resourceId: run.id, names: { app: app.name, version: release.version }, input: body, reason: req.reason ?? undefined }),
      );
      return run;
    });
    await this.wake(created.id);
    return toWaveRunModel(created);
  }

  async get(id: string): Promise<WaveRunModel> {
    const run = await this.runs.findById(id);
    if (!run) throw DomainError.notFound('wave run', id);
    return this.model(run);
  }

  async list(appName: string, query: PageQuery): Promise<Page<WaveRunModel>> {
    const app = await this.apps.findByName(appName);
    if (!app) throw DomainError.notFound('app', appName);
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['createdAt', 'id'] as const);
    const rows = await this.runs.listByApp(app.id, limit + 1, after ? { createdAt: new Date(after.createdAt), id: after.id } : undefined);
    const page = toPage(rows, limit, (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id }));
    return { items: await Promise.all(page.items.map((r) => this.model(r))), nextCursor: page.nextCursor };
  }

  /**
   * abort, pause, resume, promote. An abort ends the run and aborts every deployment of it in flight through the
   * deployments' own abort path (DeploymentCommandsService, each with its audit entry), all in this transaction.
   */
  async command(ctx: RequestContext, id: string, type: WaveRunCommandType, reason: string | null): Promise<WaveRunModel> {
    const found = await this.runs.findById(id);
    if (!found) throw DomainError.notFound('wave run', id);
    assertInScope(ctx.actor, { app: found.app });
    const action = `wave-run.${type}`;
    const cmd: WaveRunCommand = { type, actor: ctx.actor.name, role: ctx.actor.role === 'system' ? 'admin' : ctx.actor.role, reason };
    const outcome = await this.tx.run(async (tx) => {
      const run = await this.runs.lockForUpdate(tx, id);
      if (!run) return { ok: false as const, error: DomainError.notFound('wave run', id) };
      const now = Date.now();
      const verdict = canApplyWaveRunCommand(run.state, cmd, now);
      if (!verdict.ok) {
        const error = DomainError.conflict(`Cannot ${type} wave run ${id}: ${verdict.reason}.`, { phase: run.state.phase, command: type });
        await this.audit.append(
          tx,
          auditEntry(ctx, { action, resourceType: 'wave-run', resourceId: id, names: { app: run.app, version: run.release }, input: { reason }, outcome: 'denied', statusCode: error.status, reason: error.message }),
        );
        return { ok: false as const, error };
      }
      const decision = applyWaveRunCommand(run.state, cmd, now);
      const aborted: string[] = [];
      for (const effect of decision.effects) {
        if (effect.kind !== 'abortDeployments') continue;
        for (const deploymentId of effect.deploymentIds) {
          const r = await this.commands.commandIn(tx, ctx, deploymentId, { intent: { type: 'abort' }, reason: effect.reason, ifMatch: null });
          if (r.ok) aborted.push(deploymentId);
        }
      }
      const saved = await this.runs.saveState(tx, id, decision.state);
      const anchors = await this.runs.appendStreamedEvents(tx, id, decision.state, decision.events);
      await this.audit.append(tx, auditEntry(ctx, { action, resourceType: 'wave-run', resourceId: id, names: { app: run.app, version: run.release }, input: { reason, aborted }, reason: reason ?? undefined }));
      return { ok: true as const, run: saved, aborted, anchors };
    });
    if (!outcome.ok) throw outcome.error;
    await Promise.all(outcome.aborted.map((d) => this.deploymentQueue.wake(d).catch((err: unknown) => this.log.warn({ err, deploymentId: d }, 'could not wake an aborted deployment; the reconciler will'))));
    if (outcome.anchors.length > 0) {
      await publishEventsCommitted(this.deploymentQueue.redis, this.deploymentQueue.queuePrefix, { deploymentIds: outcome.anchors, position: null }).catch((err: unknown) =>
        this.log.warn({ err, waveRunId: id }, 'could not nudge live-event readers; they catch up on their next read'),
      );
    }
    await this.wake(id);
    return this.model(outcome.run);
  }

  private async model(run: WaveRunRecord): Promise<WaveRunModel> {
    const live = new Map((await this.runs.deploymentsOf(run.id)).map((d) => [d.id, { phase: d.phase, failureReason: d.failureReason }]));
    return toWaveRunModel(run, live);
  }

  private async wake(id: string): Promise<void> {
    try {
      await this.queue.wake(id);
    } catch (err) {
      this.log.warn({ err, waveRunId: id }, 'could not wake the worker for a wave run; the reconciler will');
    }
  }

  /** Gate analyses name templates that exist (`waves[i].gate.analysis.templates[k]`). */
  private async checkTemplates(applicationId: string, waves: ReadonlyArray<{ gate: { analysis: { templates: string[] } | null } }>, errors: FieldError[]): Promise<void> {
    const wanted = [...new Set(waves.flatMap((w) => w.gate.analysis?.templates ?? []))];
    if (wanted.length === 0) return;
    const found = await this.templates.latestByNames(applicationId, wanted);
    waves.forEach((w, i) =>
      (w.gate.analysis?.templates ?? []).forEach((t, k) => {
        if (!(t in found)) errors.push({ path: `waves[${i}].gate.analysis.templates[${k}]`, rule: 'templateExists', message: `analysis template "${t}" does not exist for this app` });
      }),
    );
  }
}
