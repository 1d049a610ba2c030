-- Gapless, commit-ordered reads of the deployment timeline (docs/adr/0007-commit-ordered-events.md).
--
-- "seq" is taken when a row is inserted, and transactions commit out of order, so "every event with seq > N" read
-- while a transaction holding seq N-1 is still open skips that event for good. Each event therefore also gets a
-- "position": the inserting transaction's id (xid8) shifted left by 20 bits, plus the row's ordinal within that
-- transaction. Every transaction whose id is below the reading snapshot's xmin has finished, and every transaction
-- that starts later gets a larger id, so the rows with position < (xmin << 20) never change again: a reader that
-- serves only those, in position order, never skips and never repeats (see DeploymentEventRepository).

-- CreateFunction
CREATE FUNCTION "cutover_event_position"() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := coalesce(nullif(current_setting('cutover.event_ordinal', true), ''), '0')::integer;
BEGIN
    -- The ordinal lives in a transaction-local setting: it starts from 0 in every transaction.
    IF n >= 1048575 THEN
        RAISE EXCEPTION 'more than 1048575 deployment events in one transaction'
            USING HINT = 'Commit the events in smaller transactions.';
    END IF;
    PERFORM set_config('cutover.event_ordinal', (n + 1)::text, true);
    RETURN (pg_current_xact_id()::text::bigint << 20) | n;
END;
$$;

-- What a live-event client shows without a second request: the deployment's phase, current step, each side's
-- replicas and readiness, and the traffic weight, as they were when the event was written.
-- CreateFunction
CREATE FUNCTION "cutover_event_snapshot"(phase text, state jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'phase', phase,
        'pauseReason', state -> 'pauseReason',
        'step', coalesce(state -> 'status' -> 'step', 'null'::jsonb),
        'sides', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                'side', s -> 'side', 'workload', s -> 'workload', 'release', s -> 'release',
                'desired', s -> 'desired', 'updated', s -> 'updated', 'ready', s -> 'ready', 'available', s -> 'available'))
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(state -> 'status' -> 'sides') = 'array' THEN state -> 'status' -> 'sides' ELSE '[]'::jsonb END) AS s
        ), '[]'::jsonb),
        'weight', coalesce(state -> 'status' -> 'newTrafficPercent', 'null'::jsonb)
    );
$$;

-- AlterTable
ALTER TABLE "DeploymentEvent" ADD COLUMN "position" BIGINT,
ADD COLUMN "snapshot" JSONB;

-- Rows written before this migration have all committed; their seq keeps their order and stays below every new
-- position (a transaction takes far fewer than 2^20 sequence values).
UPDATE "DeploymentEvent" e SET "position" = e."seq",
    "snapshot" = (SELECT "cutover_event_snapshot"(d."phase", d."state") FROM "Deployment" d WHERE d."id" = e."deploymentId");

-- AlterTable
ALTER TABLE "DeploymentEvent" ALTER COLUMN "position" SET NOT NULL,
ALTER COLUMN "position" SET DEFAULT "cutover_event_position"();

-- DropIndex
DROP INDEX "DeploymentEvent_deploymentId_seq_idx";

-- CreateIndex
CREATE UNIQUE INDEX "DeploymentEvent_position_key" ON "DeploymentEvent"("position");

-- CreateIndex
CREATE INDEX "DeploymentEvent_deploymentId_position_idx" ON "DeploymentEvent"("deploymentId", "position");
