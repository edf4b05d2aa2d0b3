-- AlterTable
ALTER TABLE "BiosRead" ADD COLUMN     "values" TEXT NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "ComplianceTransition" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "hostName" TEXT NOT NULL,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "details" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "ComplianceTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HostLabel" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HostLabel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Plan" (
    "id" TEXT NOT NULL,
    "policyId" TEXT,
    "policyVersion" INTEGER,
    "scope" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "fingerprints" TEXT NOT NULL,
    "computedBy" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "archivedAt" TIMESTAMP(3),

    CONSTRAINT "Policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyCompliance" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '[]',
    "since" TIMESTAMP(3) NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PolicyCompliance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" TEXT NOT NULL,
    "comment" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ComplianceTransition_hostId_at_idx" ON "ComplianceTransition"("hostId", "at");

-- CreateIndex
CREATE INDEX "ComplianceTransition_policyId_at_idx" ON "ComplianceTransition"("policyId", "at");

-- CreateIndex
CREATE INDEX "HostLabel_key_value_idx" ON "HostLabel"("key", "value");

-- CreateIndex
CREATE UNIQUE INDEX "HostLabel_hostId_key_key" ON "HostLabel"("hostId", "key");

-- CreateIndex
CREATE INDEX "Plan_computedAt_idx" ON "Plan"("computedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Policy_name_key" ON "Policy"("name");

-- CreateIndex
CREATE INDEX "PolicyCompliance_hostId_idx" ON "PolicyCompliance"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyCompliance_policyId_hostId_key" ON "PolicyCompliance"("policyId", "hostId");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_policyId_version_key" ON "PolicyVersion"("policyId", "version");

-- AddForeignKey
ALTER TABLE "HostLabel" ADD CONSTRAINT "HostLabel_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyCompliance" ADD CONSTRAINT "PolicyCompliance_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyCompliance" ADD CONSTRAINT "PolicyCompliance_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyVersion" ADD CONSTRAINT "PolicyVersion_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

