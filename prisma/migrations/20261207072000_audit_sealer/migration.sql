-- Audited writes no longer queue on one chain lock (docs/adr/0014-audit-sealer.md).
--
-- A mutation's transaction inserts its audit entry unsealed (prevHash, hash and sealedAt NULL), with no lock, so
-- writes commit in parallel; the entry still commits or rolls back with the change. One sealer at a time (an
-- advisory lock) later chains the settled entries in "position" order: position = (inserting transaction id << 20)
-- | ordinal in that transaction, the commit-safe order of docs/adr/0007-commit-ordered-events.md. Every transaction
-- whose id is below a snapshot's xmin has finished, so the entries below that horizon never change again and the
-- sealer never seals past an entry that could still commit.

-- CreateFunction
CREATE FUNCTION "cutover_audit_position"() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := coalesce(nullif(current_setting('cutover.audit_ordinal', true), ''), '0')::integer;
BEGIN
    -- The ordinal lives in a transaction-local setting: it starts from 0 in every transaction.
    IF n >= 1048575 THEN
        RAISE EXCEPTION 'more than 1048575 audit entries in one transaction'
            USING HINT = 'Commit the entries in smaller transactions.';
    END IF;
    PERFORM set_config('cutover.audit_ordinal', (n + 1)::text, true);
    RETURN (pg_current_xact_id()::text::bigint << 20) | n;
END;
$$;

-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN "position" BIGINT,
ADD COLUMN "sealedAt" TIMESTAMP(3);

-- Entries written before this migration were chained at insert in seq order: their position is their seq (far below
-- any transaction id << 20), so the chain keeps its order. The append-only trigger is set aside for this one rewrite.
ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_refuse_update_delete";
UPDATE "AuditEntry" SET "position" = "seq", "sealedAt" = "at";
ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_refuse_update_delete";

-- AlterTable
ALTER TABLE "AuditEntry" ALTER COLUMN "position" SET NOT NULL,
ALTER COLUMN "position" SET DEFAULT "cutover_audit_position"(),
ALTER COLUMN "prevHash" DROP NOT NULL,
ALTER COLUMN "hash" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_position_key" ON "AuditEntry"("position");

-- The log stays append-only: the one change allowed is sealing an unsealed entry once (prevHash, hash and sealedAt
-- from NULL to values, every other column unchanged). A sealed entry can no more be changed than before.
-- CreateFunction
CREATE OR REPLACE FUNCTION "audit_entry_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD."hash" IS NULL AND OLD."prevHash" IS NULL AND OLD."sealedAt" IS NULL
           AND NEW."hash" IS NOT NULL AND NEW."prevHash" IS NOT NULL AND NEW."sealedAt" IS NOT NULL
           AND (to_jsonb(NEW) - ARRAY['hash', 'prevHash', 'sealedAt']) = (to_jsonb(OLD) - ARRAY['hash', 'prevHash', 'sealedAt']) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'AuditEntry is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are never updated, deleted or truncated; record a new entry instead.';
END;
$$;
