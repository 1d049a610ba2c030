-- Environment labels (issue 14): rollout waves select environments by label (environmentSelector), as they select
-- clusters by cluster labels (clusterSelector).

-- AlterTable
ALTER TABLE "Environment" ADD COLUMN "labels" JSONB NOT NULL DEFAULT '{}';
