-- AlterTable
ALTER TABLE "Operation" ADD COLUMN     "claimedBy" TEXT;

-- CreateTable
CREATE TABLE "Replica" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Replica_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServerSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServerSetting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "Replica_heartbeatAt_idx" ON "Replica"("heartbeatAt");

-- CreateIndex
CREATE INDEX "Operation_status_claimedBy_idx" ON "Operation"("status", "claimedBy");

