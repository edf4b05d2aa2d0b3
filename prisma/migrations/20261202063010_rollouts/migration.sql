-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "wave" INTEGER NOT NULL DEFAULT 0,
    "soakUntil" DATETIME,
    "reason" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    CONSTRAINT "Rollout_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RolloutHost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "rolloutId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "hostName" TEXT NOT NULL,
    "wave" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'waiting',
    "steps" TEXT NOT NULL,
    "step" INTEGER NOT NULL DEFAULT 0,
    "disruptive" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "preflight" TEXT,
    "resetSentAt" DATETIME,
    "previous" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "unavailableSince" DATETIME,
    CONSTRAINT "RolloutHost_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
    "rolloutId" TEXT,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Operation_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Operation_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Operation" ("activeKey", "attempts", "error", "finishedAt", "hostId", "id", "kind", "lane", "nextAttemptAt", "params", "progress", "queuedAt", "requestedBy", "result", "sourceAddress", "startedAt", "status", "targetId", "targetType") SELECT "activeKey", "attempts", "error", "finishedAt", "hostId", "id", "kind", "lane", "nextAttemptAt", "params", "progress", "queuedAt", "requestedBy", "result", "sourceAddress", "startedAt", "status", "targetId", "targetType" FROM "Operation";
DROP TABLE "Operation";
ALTER TABLE "new_Operation" RENAME TO "Operation";
CREATE UNIQUE INDEX "Operation_activeKey_key" ON "Operation"("activeKey");
CREATE INDEX "Operation_status_nextAttemptAt_idx" ON "Operation"("status", "nextAttemptAt");
CREATE INDEX "Operation_hostId_queuedAt_idx" ON "Operation"("hostId", "queuedAt");
CREATE INDEX "Operation_lane_status_idx" ON "Operation"("lane", "status");
CREATE INDEX "Operation_rolloutId_idx" ON "Operation"("rolloutId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Rollout_status_idx" ON "Rollout"("status");

-- CreateIndex
CREATE INDEX "RolloutHost_hostId_state_idx" ON "RolloutHost"("hostId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "RolloutHost_rolloutId_hostId_key" ON "RolloutHost"("rolloutId", "hostId");
