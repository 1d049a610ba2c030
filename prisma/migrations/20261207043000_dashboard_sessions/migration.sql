-- CreateTable
CREATE TABLE "DashboardSession" (
    "id" UUID NOT NULL,
    "tokenId" UUID NOT NULL,
    "secretHash" TEXT NOT NULL,
    "userAgent" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "DashboardSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DashboardSession_secretHash_key" ON "DashboardSession"("secretHash");

-- CreateIndex
CREATE INDEX "DashboardSession_tokenId_idx" ON "DashboardSession"("tokenId");

-- AddForeignKey
ALTER TABLE "DashboardSession" ADD CONSTRAINT "DashboardSession_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken"("id") ON DELETE CASCADE ON UPDATE CASCADE;
