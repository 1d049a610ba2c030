-- The audit log is append-only: rows are written once, inside the transaction of the change they record,
-- and never changed or removed by any role, the application's included. Tampering needs a superuser who
-- disables triggers (session_replication_role = replica), and the hash chain (AuditRepository.verify) exposes it.

-- CreateFunction
CREATE FUNCTION "audit_entry_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'AuditEntry is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are never updated, deleted or truncated; record a new entry instead.';
END;
$$;

-- CreateTrigger
CREATE TRIGGER "AuditEntry_refuse_update_delete"
    BEFORE UPDATE OR DELETE ON "AuditEntry"
    FOR EACH ROW EXECUTE FUNCTION "audit_entry_refuse_change"();

-- CreateTrigger
CREATE TRIGGER "AuditEntry_refuse_truncate"
    BEFORE TRUNCATE ON "AuditEntry"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_refuse_change"();
