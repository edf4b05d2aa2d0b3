/*
  Warnings:

  - Added the required column `lane` to the `Operation` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "Host" ADD COLUMN "bootId" TEXT;
ALTER TABLE "Host" ADD COLUMN "lastSyncError" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Operation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "hostId" TEXT,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "params" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "lane" TEXT NOT NULL,
    "activeKey" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "progress" TEXT,
    "result" TEXT,
    "error" TEXT,
    "requestedBy" TEXT NOT NULL,
    "sourceAddress" TEXT,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Operation_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Operation" ("attempts", "error", "finishedAt", "hostId", "id", "kind", "params", "queuedAt", "requestedBy", "startedAt", "status", "targetId", "targetType") SELECT "attempts", "error", "finishedAt", "hostId", "id", "kind", "params", "queuedAt", "requestedBy", "startedAt", "status", "targetId", "targetType" FROM "Operation";
DROP TABLE "Operation";
ALTER TABLE "new_Operation" RENAME TO "Operation";
CREATE UNIQUE INDEX "Operation_activeKey_key" ON "Operation"("activeKey");
CREATE INDEX "Operation_status_nextAttemptAt_idx" ON "Operation"("status", "nextAttemptAt");
CREATE INDEX "Operation_hostId_queuedAt_idx" ON "Operation"("hostId", "queuedAt");
CREATE INDEX "Operation_lane_status_idx" ON "Operation"("lane", "status");
CREATE TABLE "new_VirtualMachine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uuid" TEXT,
    "state" TEXT NOT NULL,
    "numaNode" INTEGER,
    "vcpus" INTEGER,
    "memoryMiB" INTEGER,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "VirtualMachine_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_VirtualMachine" ("hostId", "id", "memoryMiB", "name", "numaNode", "state", "updatedAt", "uuid", "vcpus") SELECT "hostId", "id", "memoryMiB", "name", "numaNode", "state", "updatedAt", "uuid", "vcpus" FROM "VirtualMachine";
DROP TABLE "VirtualMachine";
ALTER TABLE "new_VirtualMachine" RENAME TO "VirtualMachine";
CREATE UNIQUE INDEX "VirtualMachine_uuid_key" ON "VirtualMachine"("uuid");
CREATE UNIQUE INDEX "VirtualMachine_hostId_name_key" ON "VirtualMachine"("hostId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
