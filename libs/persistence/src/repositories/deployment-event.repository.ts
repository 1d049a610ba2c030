// The deployment timeline as a feed: "every committed event after position P, matching F, up to N", gapless.
//
// A row's position is (inserting transaction id << 20) | its ordinal in that transaction (the column default,
// prisma/migrations/20261207013000_event_positions). A transaction whose id is below the reading snapshot's xmin has
// finished, and every later one gets a larger id, so rows with position < (xmin << 20) are settled: no row can
// appear below that horizon any more. Serving only settled rows, in position order, never skips an event whose
// transaction commits late and never repeats one (docs/adr/0007-commit-ordered-events.md).
import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

/** Which events a reader wants; absent or empty lists match everything. */
export interface EventFilter {
  deploymentId?: string;
  apps?: readonly string[];
  environments?: readonly string[];
  clusters?: readonly string[];
  types?: readonly string[];
}

export interface EventSide {
  side: string;
  workload: string;
  release: string | null;
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

/** The deployment as it was when the event was written (cutover_event_snapshot in SQL). */
export interface EventSnapshot {
  phase: string;
  pauseReason: string | null;
  step: { id: string; index: number; total: number; title: string } | null;
  sides: EventSide[];
  /** % of traffic on the new release as last observed, null before the first observation. */
  weight: number | null;
}

export interface FeedEvent {
  /** Commit-ordered position (decimal string of a bigint): the SSE id and the resume cursor. */
  position: string;
  /** Insert-ordered row id (the detail route's `seq`). */
  seq: string;
  deploymentId: string;
  app: string;
  environment: string;
  cluster: string;
  release: string;
  type: string;
  message: string;
  data: Prisma.JsonValue;
  actor: string | null;
  /** ISO time the event was written. */
  at: string;
  snapshot: EventSnapshot | null;
}

export interface EventPage {
  events: FeedEvent[];
  /** The position of the last event returned, or `after` when none was. */
  next: string;
  /** Fewer than `limit` came back: the reader has everything settled so far. */
  complete: boolean;
  /**
   * Committed events exist above the horizon (their transactions overtook one still open): read again shortly
   * even without a nudge, or they wait for the next one.
   */
  unsettled: boolean;
}

/** A new timeline entry; the snapshot is taken from the deployment row as the statement sees it. */
export interface NewEvent {
  type: string;
  message: string;
  data?: Prisma.InputJsonValue;
  actor: string | null;
}

export const MAX_EVENT_PAGE = 1_000;

/** `?after=` and `Last-Event-ID` values: a non-negative decimal integer that fits a bigint. */
export function parsePosition(value: string): bigint | null {
  if (!/^\d{1,19}$/.test(value)) return null;
  const n = BigInt(value);
  return n <= 9_223_372_036_854_775_807n ? n : null;
}

interface PageRow {
  horizon: string;
  unsettled: boolean;
  events: FeedEvent[] | null;
}

// The settled horizon of the statement's snapshot: the oldest transaction still open that could write our table,
// else the snapshot's xmax. Transactions that positively belong to another database of the server (pg_stat_activity)
// cannot, so they hold nothing back; any we cannot place (another role's session, one that ended meanwhile) still do.
// Shifted like the positions: rows with position < horizon are settled. The audit sealer uses the same horizon.
export const SETTLED_POSITION_HORIZON_SQL = `(SELECT coalesce(
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s.snap) AS x
      WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
        WHERE a.backend_xid IS NOT NULL AND a.datid IS NOT NULL
          AND a.datid <> (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
          AND a.backend_xid::text::bigint = x::text::bigint % 4294967296)),
    pg_snapshot_xmax(s.snap)::text::bigint) << 20
  FROM (SELECT pg_current_snapshot() AS snap) s)`;

// Inserts events for one deployment inside the caller's transaction (the position default numbers them).
const INSERT_SQL = `
INSERT INTO "DeploymentEvent" ("deploymentId", "type", "message", "data", "actor", "snapshot", "createdAt")
SELECT d."id", e."type", e."message", coalesce(e."data", '{}'::jsonb), e."actor", "cutover_event_snapshot"(d."phase", d."state"),
       $3::timestamptz AT TIME ZONE 'UTC'
FROM "Deployment" d, jsonb_to_recordset($2::jsonb) AS e("ordinal" int, "type" text, "message" text, "data" jsonb, "actor" text)
WHERE d."id" = $1::uuid
ORDER BY e."ordinal"
RETURNING "seq"::text, "position"::text`;

/**
 * Appends timeline entries of one deployment in the caller's transaction, each with the deployment's phase, step,
 * sides and weight as this transaction sees them. Publish a nudge (publishEventsCommitted) once it committed.
 */
export async function insertDeploymentEvents(
  tx: Tx,
  deploymentId: string,
  events: readonly NewEvent[],
  now: Date = new Date(),
): Promise<Array<{ seq: string; position: string }>> {
  if (events.length === 0) return [];
  return tx.$queryRawUnsafe<Array<{ seq: string; position: string }>>(
    INSERT_SQL,
    deploymentId,
    JSON.stringify(events.map((e, ordinal) => ({ ordinal, type: e.type, message: e.message, data: e.data ?? {}, actor: e.actor }))),
    now.toISOString(),
  );
}

@Injectable()
export class DeploymentEventRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /**
   * Settled events after `after` that match `filter`, oldest first, at most `limit` (≤ MAX_EVENT_PAGE). One
   * statement, so the horizon and the rows come from the same snapshot.
   */
  async readAfter(after: bigint, filter: EventFilter = {}, limit = MAX_EVENT_PAGE): Promise<EventPage> {
    const take = Math.max(1, Math.min(MAX_EVENT_PAGE, Math.floor(limit)));
    const params: unknown[] = [after.toString(), take];
    const where: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.deploymentId) add((p) => `e."deploymentId" = ${p}::uuid`, filter.deploymentId);
    if (filter.apps?.length) add((p) => `a."name" = ANY(${p}::text[])`, [...filter.apps]);
    if (filter.environments?.length) add((p) => `env."name" = ANY(${p}::text[])`, [...filter.environments]);
    if (filter.clusters?.length) add((p) => `c."name" = ANY(${p}::text[])`, [...filter.clusters]);
    if (filter.types?.length) add((p) => `e."type" = ANY(${p}::text[])`, [...filter.types]);
    const sql = `
WITH h AS (SELECT ${SETTLED_POSITION_HORIZON_SQL} AS "horizon"),
page AS (
  SELECT e."position", e."seq", e."deploymentId", a."name" AS "app", env."name" AS "environment", c."name" AS "cluster",
         r."version" AS "release", e."type", e."message", e."data", e."actor", e."createdAt", e."snapshot"
  FROM h, "DeploymentEvent" e
  JOIN "Deployment" d ON d."id" = e."deploymentId"
  JOIN "Environment" env ON env."id" = d."environmentId"
  JOIN "Application" a ON a."id" = env."applicationId"
  JOIN "Cluster" c ON c."id" = env."clusterId"
  JOIN "Release" r ON r."id" = d."releaseId"
  WHERE e."position" > $1::bigint AND e."position" < h."horizon"${where.map((w) => ` AND ${w}`).join('')}
  ORDER BY e."position"
  LIMIT $2::int
)
SELECT h."horizon"::text AS "horizon",
       EXISTS (SELECT 1 FROM "DeploymentEvent" x WHERE x."position" >= h."horizon") AS "unsettled",
       (SELECT jsonb_agg(jsonb_build_object(
          'position', p."position"::text, 'seq', p."seq"::text, 'deploymentId', p."deploymentId", 'app', p."app",
          'environment', p."environment", 'cluster', p."cluster", 'release', p."release", 'type', p."type",
          'message', p."message", 'data', p."data", 'actor', p."actor",
          'at', to_char(p."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'snapshot', p."snapshot") ORDER BY p."position")
        FROM page p) AS "events"
FROM h`;
    const rows = await this.prisma.$queryRawUnsafe<PageRow[]>(sql, ...params);
    const row = rows[0]!;
    const events = row.events ?? [];
    return {
      events,
      next: events.length > 0 ? events[events.length - 1]!.position : after.toString(),
      complete: events.length < take,
      unsettled: row.unsettled,
    };
  }

  /**
   * A deployment's phase and the position of its newest committed event (settled or not): a stream resumed past
   * that position of a deployment that is over has nothing left to send. Null when the deployment does not exist.
   */
  async tailOf(deploymentId: string): Promise<{ phase: string; lastPosition: string | null } | null> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ phase: string; lastPosition: string | null }>>(
      `SELECT d."phase", (SELECT max(e."position")::text FROM "DeploymentEvent" e WHERE e."deploymentId" = d."id") AS "lastPosition"
       FROM "Deployment" d WHERE d."id" = $1::uuid`,
      deploymentId,
    );
    return rows[0] ?? null;
  }

  /** The newest settled position ("0" when there is none): where a reader that wants only new events starts. */
  async latestPosition(): Promise<string> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ position: string | null }>>(
      `SELECT max("position")::text AS "position" FROM "DeploymentEvent" WHERE "position" < ${SETTLED_POSITION_HORIZON_SQL}`,
    );
    return rows[0]?.position ?? '0';
  }
}
