import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AnalysisMetric, JobProvider, ProviderOutcome } from '@cutover/domain';
import { LABELS } from '@cutover/domain';
import type { KubeObject } from '@cutover/k8s';
import { ClusterGateways } from '../../clusters/cluster-gateways.service';
import type { MeasureContext, MetricProviderClient } from './provider.types';

const POLL_MS = 1_000;
const LOG_LINES = 20;
const CONTAINER = 'analysis';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** `<app>-analysis-<hash>`: one Job per deployment, run, metric and measurement, within a DNS label. */
export function analysisJobName(app: string, ctx: Pick<MeasureContext, 'deploymentId' | 'runId' | 'index'>, metric: string): string {
  const hash = createHash('sha256').update(`${ctx.deploymentId}/${ctx.runId}/${metric}/${ctx.index}`).digest('hex').slice(0, 10);
  return `${app.slice(0, 40).replace(/-+$/, '')}-analysis-${hash}`;
}

function jobState(job: KubeObject): 'Running' | 'Complete' | 'Failed' {
  const conditions = ((job.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions ?? []);
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return 'Complete';
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return 'Failed';
  return 'Running';
}

/**
 * A Kubernetes Job in the environment's namespace (through the cluster's gateway): completed = Successful,
 * failed = Failed; the last lines its pod printed are kept in the measurement's message. Its pods carry role
 * "analysis", so the machines never read them as pods of the release.
 */
@Injectable()
export class JobProviderClient implements MetricProviderClient {
  constructor(@Inject(ClusterGateways) private readonly gateways: ClusterGateways) {}

  async measure(metric: AnalysisMetric, ctx: MeasureContext): Promise<ProviderOutcome> {
    const p = metric.provider as JobProvider;
    const name = analysisJobName(ctx.target.app, ctx, metric.name);
    const query = `Job ${ctx.target.namespace}/${name}: ${[p.image, ...p.command, ...p.args].join(' ')}`;
    try {
      const { client } = await this.gateways.get(ctx.target.clusterId);
      const labels = {
        [LABELS.name]: ctx.target.app,
        [LABELS.managedBy]: 'cutover',
        [LABELS.environment]: ctx.target.environment,
        [LABELS.role]: 'analysis',
        'cutover.dev/analysis-job': name,
      };
      const manifest: KubeObject = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: ctx.target.namespace, labels, annotations: { 'cutover.dev/analysis-run': ctx.runId, 'cutover.dev/metric': metric.name } },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: p.timeout,
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: CONTAINER, image: p.image, ...(p.command.length ? { command: p.command } : {}), ...(p.args.length ? { args: p.args } : {}) }],
            },
          },
        },
      };
      // Created once: a resumed run finds its Job and waits for it.
      if (!(await client.get('batch/v1', 'Job', ctx.target.namespace, name))) {
        await client.create(manifest).catch(async (error: unknown) => {
          if (!(await client.get('batch/v1', 'Job', ctx.target.namespace, name))) throw error;
        });
      }
      const deadline = Date.now() + (p.timeout + 30) * 1000;
      let state: 'Running' | 'Complete' | 'Failed' = 'Running';
      while (!ctx.signal.aborted && Date.now() < deadline) {
        const job = await client.get('batch/v1', 'Job', ctx.target.namespace, name);
        if (!job) return { kind: 'error', message: `Job ${name} is gone`, query };
        state = jobState(job);
        if (state !== 'Running') break;
        await sleep(POLL_MS, ctx.signal);
      }
      if (state === 'Running') return { kind: 'error', message: `Job ${name} did not finish within ${p.timeout}s`, query };
      const logs = await this.lastLines(client, ctx.target.namespace, name);
      return { kind: 'phase', phase: state === 'Complete' ? 'Successful' : 'Failed', value: state, message: logs ? `last lines: ${logs}` : null, query };
    } catch (error) {
      return { kind: 'error', message: `Job ${name}: ${error instanceof Error ? error.message : String(error)}`, query };
    }
  }

  private async lastLines(client: Awaited<ReturnType<ClusterGateways['get']>>['client'], namespace: string, job: string): Promise<string | null> {
    try {
      const pods = await client.list('v1', 'Pod', namespace, `cutover.dev/analysis-job=${job}`);
      const pod = pods.items[pods.items.length - 1];
      if (!pod) return null;
      const text = await client.podLog(namespace, pod.metadata.name, CONTAINER, LOG_LINES);
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      return lines.length ? lines.slice(-LOG_LINES).join(' ⏎ ').slice(-2_000) : null;
    } catch {
      return null;
    }
  }
}
