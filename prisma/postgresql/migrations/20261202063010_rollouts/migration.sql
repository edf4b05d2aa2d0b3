-- AlterTable
ALTER TABLE "Operation" ADD COLUMN     "rolloutId" TEXT;

-- CreateTable
CREATE TABLE "Rollout" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "wave" INTEGER NOT NULL DEFAULT 0,
    "soakUntil" TIMESTAMP(3),
    "reason" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),

    CONSTRAINT "Rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolloutHost" (
    "id" TEXT NOT NULL,
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
    "resetSentAt" TIMESTAMP(3),
    "previous" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "unavailableSince" TIMESTAMP(3),

    CONSTRAINT "RolloutHost_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Rollout_status_idx" ON "Rollout"("status");

-- CreateIndex
CREATE INDEX "RolloutHost_hostId_state_idx" ON "RolloutHost"("hostId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "RolloutHost_rolloutId_hostId_key" ON "RolloutHost"("rolloutId", "hostId");

-- CreateIndex
CREATE INDEX "Operation_rolloutId_idx" ON "Operation"("rolloutId");

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolloutHost" ADD CONSTRAINT "RolloutHost_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

