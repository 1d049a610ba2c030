import { Injectable } from '@nestjs/common';
import { DomainError, type Phase } from '@cutover/domain';
import { AnalysisMeasurementRepository, ApplicationRepository, DeploymentRepository, EnvironmentRepository } from '@cutover/persistence';
import { limitOf } from '../../common/pagination/page-query.dto';
import { decodeCursor, mapPage, toPage, type Page } from '../../common/pagination/pagination.rules';
import { detailEtagOf, toDeploymentModel, toDetailModel } from './deployment.mapper';
import type { HistoryArgs, ListDeploymentsQuery } from './dto/list-deployments.dto';
import type { DeploymentDetailModel } from './models/deployment-detail.model';
import type { DeploymentModel } from './models/deployment.model';

/** Reads: the deployment list, one environment's history, one deployment's detail. */
@Injectable()
export class DeploymentQueriesService {
  constructor(
    private readonly apps: ApplicationRepository,
    private readonly environments: EnvironmentRepository,
    private readonly deployments: DeploymentRepository,
    private readonly measurements: AnalysisMeasurementRepository,
  ) {}

  async list(query: ListDeploymentsQuery): Promise<Page<DeploymentModel>> {
    return this.page({ app: query.app, environment: query.environment, phase: query.phase }, query);
  }

  /** What ran in one environment, newest first. */
  async history(args: HistoryArgs): Promise<Page<DeploymentModel>> {
    const app = await this.apps.findByName(args.app);
    if (!app) throw DomainError.notFound('app', args.app);
    const env = await this.environments.findByName(app.id, args.environment);
    if (!env) throw DomainError.notFound('environment', `${args.app}/${args.environment}`);
    return this.page({ environmentId: env.id }, args);
  }

  async get(id: string): Promise<DeploymentDetailModel> {
    const detail = await this.deployments.getDetail(id);
    if (!detail) throw DomainError.notFound('deployment', id);
    // Measurements arrive between ticks (the version does not move): the newest one's id joins the ETag.
    const [runs, measurements, lastMeasurement] = await Promise.all([
      this.measurements.runs(id),
      this.measurements.ofDeployment(id, 200),
      this.measurements.lastId(id),
    ]);
    return {
      ...toDetailModel(detail),
      etag: detailEtagOf(detail.version, detail.commands.length + lastMeasurement),
      analysis: {
        runs,
        measurements: measurements.map((m) => ({ ...m, scheduledAt: new Date(m.scheduledAt), measuredAt: new Date(m.at) })),
      },
    };
  }

  private async page(filter: { environmentId?: string; app?: string; environment?: string; phase?: Phase }, query: { limit?: number; cursor?: string }): Promise<Page<DeploymentModel>> {
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['at', 'id'] as const);
    const position = after ? { createdAt: new Date(after.at), id: after.id } : undefined;
    if (position && (Number.isNaN(position.createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(position.id))) {
      throw DomainError.validation([{ path: 'cursor', rule: 'cursor', message: 'cursor is not one this list handed out' }]);
    }
    const rows = await this.deployments.list(filter, limit + 1, position);
    return mapPage(
      toPage(rows, limit, (last) => ({ at: last.createdAt.toISOString(), id: last.id })),
      toDeploymentModel,
    );
  }
}
