-- Audit entries name their resource (app, environment, release version, cluster), so "who created app `shop`" can be
-- answered by name and still after the resource is deleted. The hash chain covers the names: layout "v2" of
-- auditEntryHash (libs/persistence/src/audit/audit.digest.ts). Existing rows get their names from the resources that
-- still exist, and the whole chain is re-hashed in v2 here, so AuditRepository.verify() keeps passing. The text
-- hashed is JSON.stringify of the v2 array; to_json() escapes text exactly as JSON.stringify does.

-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN "app" TEXT,
ADD COLUMN "environment" TEXT,
ADD COLUMN "version" TEXT,
ADD COLUMN "cluster" TEXT;

-- CreateIndex
CREATE INDEX "AuditEntry_app_environment_at_idx" ON "AuditEntry"("app", "environment", "at");

-- The append-only triggers refuse every UPDATE: set them aside for this one rewrite, inside the migration's transaction.
ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_refuse_update_delete";

UPDATE "AuditEntry" a SET "app" = x."app", "environment" = x."environment", "version" = x."version", "cluster" = x."cluster"
FROM (
    SELECT a2."seq",
           coalesce(app_d."name", app_e."name", app_a."name", app_r."name") AS "app",
           coalesce(env_d."name", env_e."name") AS "environment",
           coalesce(rel_d."version", rel_r."version") AS "version",
           coalesce(cl_d."name", cl_e."name", cl_c."name") AS "cluster"
    FROM "AuditEntry" a2
    LEFT JOIN "Deployment" d ON a2."resourceType" = 'deployment' AND d."id"::text = a2."resourceId"
    LEFT JOIN "Environment" env_d ON env_d."id" = d."environmentId"
    LEFT JOIN "Application" app_d ON app_d."id" = env_d."applicationId"
    LEFT JOIN "Release" rel_d ON rel_d."id" = d."releaseId"
    LEFT JOIN "Cluster" cl_d ON cl_d."id" = env_d."clusterId"
    LEFT JOIN "Environment" env_e ON a2."resourceType" = 'environment' AND env_e."id"::text = a2."resourceId"
    LEFT JOIN "Application" app_e ON app_e."id" = env_e."applicationId"
    LEFT JOIN "Cluster" cl_e ON cl_e."id" = env_e."clusterId"
    LEFT JOIN "Application" app_a ON a2."resourceType" = 'app' AND app_a."id"::text = a2."resourceId"
    LEFT JOIN "Release" rel_r ON a2."resourceType" = 'release' AND rel_r."id"::text = a2."resourceId"
    LEFT JOIN "Application" app_r ON app_r."id" = rel_r."applicationId"
    LEFT JOIN "Cluster" cl_c ON a2."resourceType" = 'cluster' AND (cl_c."name" = a2."resourceId" OR cl_c."id"::text = a2."resourceId")
) x
WHERE a."seq" = x."seq";

DO $$
DECLARE
    r RECORD;
    prev TEXT := repeat('0', 64);
    h TEXT;
BEGIN
    FOR r IN SELECT * FROM "AuditEntry" ORDER BY "seq" LOOP
        h := encode(sha256(convert_to('[' || concat_ws(',',
            to_json('v2'::text)::text,
            to_json(r."seq"::text)::text,
            to_json(to_char(r."at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text,
            coalesce(to_json(r."actorTokenId"::text)::text, 'null'),
            to_json(r."actorName")::text,
            to_json(r."action")::text,
            to_json(r."resourceType")::text,
            coalesce(to_json(r."resourceId")::text, 'null'),
            coalesce(to_json(r."app")::text, 'null'),
            coalesce(to_json(r."environment")::text, 'null'),
            coalesce(to_json(r."version")::text, 'null'),
            coalesce(to_json(r."cluster")::text, 'null'),
            coalesce(to_json(r."requestId")::text, 'null'),
            to_json(r."interface")::text,
            coalesce(to_json(r."clientAddress")::text, 'null'),
            coalesce(to_json(r."inputDigest")::text, 'null'),
            to_json(r."outcome")::text,
            coalesce(to_json(r."statusCode")::text, 'null'),
            coalesce(to_json(r."reason")::text, 'null'),
            to_json(prev)::text) || ']', 'UTF8')), 'hex');
        UPDATE "AuditEntry" SET "prevHash" = prev, "hash" = h WHERE "seq" = r."seq";
        prev := h;
    END LOOP;
END;
$$;

ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_refuse_update_delete";
