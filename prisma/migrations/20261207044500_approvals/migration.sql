-- Approvals (issue 12 §3): an environment's policy, and the approvals given to deployments at their gates.

-- AlterTable
ALTER TABLE "Environment" ADD COLUMN "approvals" JSONB;

-- CreateTable
CREATE TABLE "DeploymentApproval" (
    "id" UUID NOT NULL,
    "deploymentId" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "releaseDigest" TEXT NOT NULL,
    "approver" TEXT NOT NULL,
    "approverRole" TEXT NOT NULL,
    "approverTokenId" UUID,
    "interface" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeploymentApproval_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeploymentApproval_deploymentId_createdAt_idx" ON "DeploymentApproval"("deploymentId", "createdAt");

-- AddForeignKey
ALTER TABLE "DeploymentApproval" ADD CONSTRAINT "DeploymentApproval_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
