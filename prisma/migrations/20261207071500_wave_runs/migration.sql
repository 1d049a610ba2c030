-- Wave runs (issue 14): one release over ordered waves of environments; deployments started by a run carry its id.

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN "waveRunId" UUID;

-- CreateTable
CREATE TABLE "WaveRun" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "releaseId" UUID NOT NULL,
    "phase" TEXT NOT NULL,
    "pauseReason" TEXT,
    "state" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "reason" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdByTokenId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "WaveRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WaveRun_applicationId_createdAt_idx" ON "WaveRun"("applicationId", "createdAt");

-- CreateIndex
CREATE INDEX "WaveRun_phase_idx" ON "WaveRun"("phase");

-- CreateIndex
CREATE INDEX "Deployment_waveRunId_idx" ON "Deployment"("waveRunId");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_waveRunId_fkey" FOREIGN KEY ("waveRunId") REFERENCES "WaveRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaveRun" ADD CONSTRAINT "WaveRun_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaveRun" ADD CONSTRAINT "WaveRun_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
