import { Inject, Injectable } from '@nestjs/common';
import type { ReleaseSpec } from '@cutover/domain';
import type { AppTarget, KubeGateway, RequestMeter } from '@cutover/k8s';
import { DeploymentTickRepository, type PendingEffect } from '@cutover/persistence';
import { AnalysisRunner } from '../analysis/analysis-runner.service';
import { CheckRunner } from '../checks/check-runner.service';

export interface EffectsScope {
  deploymentId: string;
  /** The release the deployment deploys. */
  release: string;
  target: AppTarget & { clusterId: string };
  /** Release specs by version, loaded with the tick's input (TickInput.releases). */
  releases: ReadonlyMap<string, ReleaseSpec>;
  gateway: KubeGateway;
  meter: RequestMeter;
}

/**
 * Runs committed effects in order, each an idempotent "make it so", then marks them done in one statement. A
 * failure stops the run: what is left stays pending and the next tick finishes it before deciding anything new.
 * runCheck and runAnalysis effects are handed to their runners and marked done when their result is recorded.
 */
@Injectable()
export class EffectsRunner {
  constructor(
    @Inject(DeploymentTickRepository) private readonly repo: DeploymentTickRepository,
    @Inject(CheckRunner) private readonly checks: CheckRunner,
    @Inject(AnalysisRunner) private readonly analyses: AnalysisRunner,
  ) {}

  /** Returns how many effects needed no request (already true): they bring no watch event to wake the next tick. */
  async run(scope: EffectsScope, effects: readonly PendingEffect[]): Promise<number> {
    if (effects.length === 0) return 0;
    const done: string[] = [];
    let alreadyTrue = 0;
    const ctx = { release: scope.release, meter: scope.meter, releases: scope.releases };
    for (const pending of effects) {
      if (pending.effect.kind === 'runCheck') {
        this.checks.start(scope.deploymentId, pending.id, pending.effect);
        continue;
      }
      if (pending.effect.kind === 'runAnalysis') {
        this.analyses.start(scope.deploymentId, pending.id, pending.effect, scope.target);
        continue;
      }
      const before = scope.meter.requests;
      await scope.gateway.apply(scope.target, pending.effect, ctx);
      if (scope.meter.requests === before) alreadyTrue += 1;
      done.push(pending.id);
    }
    await this.repo.markEffectsDone(done);
    return alreadyTrue;
  }
}
