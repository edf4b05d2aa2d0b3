-- DropIndex
DROP INDEX "Operation_status_idx";

-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "bootId" TEXT,
ADD COLUMN     "lastSyncError" TEXT;

-- AlterTable
ALTER TABLE "Operation" ADD COLUMN     "activeKey" TEXT,
ADD COLUMN     "lane" TEXT NOT NULL,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "progress" TEXT,
ADD COLUMN     "result" TEXT,
ADD COLUMN     "sourceAddress" TEXT;

-- AlterTable
ALTER TABLE "VirtualMachine" ALTER COLUMN "uuid" DROP NOT NULL,
ALTER COLUMN "vcpus" DROP NOT NULL,
ALTER COLUMN "memoryMiB" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Operation_activeKey_key" ON "Operation"("activeKey");

-- CreateIndex
CREATE INDEX "Operation_lane_status_idx" ON "Operation"("lane", "status");

-- CreateIndex
CREATE INDEX "Operation_status_nextAttemptAt_idx" ON "Operation"("status", "nextAttemptAt");

