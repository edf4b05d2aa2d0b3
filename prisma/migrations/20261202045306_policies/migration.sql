-- CreateTable
CREATE TABLE "HostLabel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HostLabel_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "archivedAt" DATETIME
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "policyId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" TEXT NOT NULL,
    "comment" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PolicyVersion_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "policyId" TEXT,
    "policyVersion" INTEGER,
    "scope" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "fingerprints" TEXT NOT NULL,
    "computedBy" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Plan_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PolicyCompliance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "policyId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '[]',
    "since" DATETIME NOT NULL,
    "checkedAt" DATETIME NOT NULL,
    CONSTRAINT "PolicyCompliance_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PolicyCompliance_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ComplianceTransition" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "policyId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "hostName" TEXT NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "details" TEXT NOT NULL DEFAULT '[]'
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_BiosRead" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "readAt" DATETIME NOT NULL,
    "resetRequired" BOOLEAN NOT NULL DEFAULT false,
    "lastApplyMessages" TEXT NOT NULL DEFAULT '[]',
    "values" TEXT NOT NULL DEFAULT '{}',
    "lastApplyAt" DATETIME,
    CONSTRAINT "BiosRead_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_BiosRead" ("hostId", "id", "lastApplyAt", "lastApplyMessages", "readAt", "resetRequired") SELECT "hostId", "id", "lastApplyAt", "lastApplyMessages", "readAt", "resetRequired" FROM "BiosRead";
DROP TABLE "BiosRead";
ALTER TABLE "new_BiosRead" RENAME TO "BiosRead";
CREATE UNIQUE INDEX "BiosRead_hostId_key" ON "BiosRead"("hostId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "HostLabel_key_value_idx" ON "HostLabel"("key", "value");

-- CreateIndex
CREATE UNIQUE INDEX "HostLabel_hostId_key_key" ON "HostLabel"("hostId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Policy_name_key" ON "Policy"("name");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_policyId_version_key" ON "PolicyVersion"("policyId", "version");

-- CreateIndex
CREATE INDEX "Plan_computedAt_idx" ON "Plan"("computedAt");

-- CreateIndex
CREATE INDEX "PolicyCompliance_hostId_idx" ON "PolicyCompliance"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyCompliance_policyId_hostId_key" ON "PolicyCompliance"("policyId", "hostId");

-- CreateIndex
CREATE INDEX "ComplianceTransition_policyId_at_idx" ON "ComplianceTransition"("policyId", "at");

-- CreateIndex
CREATE INDEX "ComplianceTransition_hostId_at_idx" ON "ComplianceTransition"("hostId", "at");
