-- CreateTable
CREATE TABLE "AnalysisTemplate" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "spec" JSONB NOT NULL,
    "digest" TEXT NOT NULL,
    "credentialsKind" TEXT,
    "credentials" BYTEA,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalysisTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalysisMeasurement" (
    "id" BIGSERIAL NOT NULL,
    "deploymentId" UUID NOT NULL,
    "runId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "value" TEXT,
    "message" TEXT,
    "query" TEXT,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "measuredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnalysisMeasurement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AnalysisTemplate_applicationId_name_version_key" ON "AnalysisTemplate"("applicationId", "name", "version");

-- CreateIndex
CREATE INDEX "AnalysisMeasurement_deploymentId_id_idx" ON "AnalysisMeasurement"("deploymentId", "id");

-- AddForeignKey
ALTER TABLE "AnalysisTemplate" ADD CONSTRAINT "AnalysisTemplate_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisMeasurement" ADD CONSTRAINT "AnalysisMeasurement_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
