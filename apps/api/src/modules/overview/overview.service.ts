import { Injectable } from '@nestjs/common';
import { type OverviewRow, OverviewRepository } from '@cutover/persistence';
import type { OverviewQuery } from './dto/overview-query.dto';
import type { Attention, OverviewItemModel, OverviewModel } from './models/overview.model';

/** The most environments one overview answers (the dashboard filters further on its side). */
export const OVERVIEW_LIMIT = 5_000;

/** What needs a person, from the latest deployment's phase and pause reason. */
export function attentionOf(phase: string | null, pauseReason: string | null): Attention | null {
  if (phase === 'Failed') return 'failed';
  if (phase !== 'Paused') return null;
  switch (pauseReason) {
    case 'PauseStep':
    case 'AwaitingPromotion':
      return 'awaiting-promotion';
    case 'Inconclusive':
      return 'inconclusive-analysis';
    case 'ClusterUnreachable':
      return 'cluster-unreachable';
    default:
      return 'paused';
  }
}

function toItem(row: OverviewRow): OverviewItemModel {
  return { ...row, attention: attentionOf(row.phase, row.pauseReason), updatedAt: row.updatedAt ? row.updatedAt.toISOString() : null };
}

@Injectable()
export class OverviewService {
  constructor(private readonly overview: OverviewRepository) {}

  async list(query: OverviewQuery): Promise<OverviewModel> {
    const rows = await this.overview.list({ app: query.app, search: query.q, limit: OVERVIEW_LIMIT + 1 });
    return { items: rows.slice(0, OVERVIEW_LIMIT).map(toItem), truncated: rows.length > OVERVIEW_LIMIT };
  }
}
