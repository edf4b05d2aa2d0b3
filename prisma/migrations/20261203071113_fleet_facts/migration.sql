-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "generation" TEXT NOT NULL,
    "serialNumber" TEXT NOT NULL,
    "cpuVendor" TEXT NOT NULL,
    "numaNodes" INTEGER,
    "kernelRelease" TEXT,
    "kernelCmdline" TEXT,
    "iommuActive" BOOLEAN,
    "kvmLoaded" BOOLEAN,
    "vfioPciLoaded" BOOLEAN,
    "powerState" TEXT,
    "agentUrl" TEXT NOT NULL,
    "agentTokenEnc" TEXT,
    "agentCertSha256" TEXT,
    "agentStatus" TEXT NOT NULL DEFAULT 'never-seen',
    "agentVersion" TEXT,
    "bootId" TEXT,
    "lastSyncError" TEXT,
    "lastSeenAt" DATETIME,
    "observedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "readinessVerdict" TEXT NOT NULL DEFAULT 'unknown',
    "readinessRank" INTEGER NOT NULL DEFAULT 10,
    "readinessLinks" TEXT NOT NULL DEFAULT '[]',
    "pfCount" INTEGER NOT NULL DEFAULT 0,
    "pfSriovCapable" INTEGER NOT NULL DEFAULT 0,
    "vfsEnabled" INTEGER NOT NULL DEFAULT 0,
    "vfsAssigned" INTEGER NOT NULL DEFAULT 0,
    "vfsCapacity" INTEGER NOT NULL DEFAULT 0,
    "vmCount" INTEGER NOT NULL DEFAULT 0,
    "nameKey" TEXT NOT NULL DEFAULT '',
    "generationRank" INTEGER NOT NULL DEFAULT -1,
    "factsVersion" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_Host" ("agentCertSha256", "agentStatus", "agentTokenEnc", "agentUrl", "agentVersion", "bootId", "cpuVendor", "createdAt", "generation", "id", "iommuActive", "kernelCmdline", "kernelRelease", "kvmLoaded", "lastSeenAt", "lastSyncError", "model", "name", "numaNodes", "observedAt", "powerState", "serialNumber", "updatedAt", "vfioPciLoaded") SELECT "agentCertSha256", "agentStatus", "agentTokenEnc", "agentUrl", "agentVersion", "bootId", "cpuVendor", "createdAt", "generation", "id", "iommuActive", "kernelCmdline", "kernelRelease", "kvmLoaded", "lastSeenAt", "lastSyncError", "model", "name", "numaNodes", "observedAt", "powerState", "serialNumber", "updatedAt", "vfioPciLoaded" FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
CREATE UNIQUE INDEX "Host_serialNumber_key" ON "Host"("serialNumber");
CREATE INDEX "Host_generation_idx" ON "Host"("generation");
CREATE INDEX "Host_agentStatus_idx" ON "Host"("agentStatus");
CREATE INDEX "Host_nameKey_idx" ON "Host"("nameKey");
CREATE INDEX "Host_readinessVerdict_idx" ON "Host"("readinessVerdict");
CREATE INDEX "Host_factsVersion_idx" ON "Host"("factsVersion");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
