-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "serviceTargetPortName" TEXT;
