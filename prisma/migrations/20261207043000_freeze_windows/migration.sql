-- Freeze windows (issue 12 §4) and the break-glass mark on a deployment that went through one.

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN "freezeOverride" JSONB;

-- CreateTable
CREATE TABLE "FreezeWindow" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "apps" JSONB NOT NULL DEFAULT '[]',
    "environments" JSONB NOT NULL DEFAULT '[]',
    "cron" TEXT,
    "durationSeconds" INTEGER,
    "timeZone" TEXT,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "reason" TEXT NOT NULL,
    "overrideRoles" JSONB NOT NULL DEFAULT '[]',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FreezeWindow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FreezeWindow_name_key" ON "FreezeWindow"("name");
