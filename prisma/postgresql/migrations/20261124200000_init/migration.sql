-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL,
    "vfId" TEXT NOT NULL,
    "vmId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "mac" TEXT,
    "vlan" INTEGER,
    "assignedBy" TEXT NOT NULL,
    "assignedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "sourceAddress" TEXT,
    "action" TEXT NOT NULL,
    "hostId" TEXT,
    "hostName" TEXT,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "before" TEXT,
    "after" TEXT,
    "operationId" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BiosRead" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL,
    "resetRequired" BOOLEAN NOT NULL DEFAULT false,
    "lastApplyMessages" TEXT NOT NULL DEFAULT '[]',
    "lastApplyAt" TIMESTAMP(3),

    CONSTRAINT "BiosRead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BiosSetting" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "current" TEXT,
    "pending" TEXT,
    "desired" TEXT,

    CONSTRAINT "BiosSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bmc" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "generation" TEXT NOT NULL,
    "firmwareVersion" TEXT,
    "userName" TEXT NOT NULL,
    "passwordEnc" TEXT NOT NULL,
    "tlsSha256" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Bmc_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL,
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
    "lastSeenAt" TIMESTAMP(3),
    "observedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Operation" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "hostId" TEXT,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "params" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "requestedBy" TEXT NOT NULL,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PhysicalFunction" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "pciAddress" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "subsystemVendorId" TEXT,
    "subsystemDeviceId" TEXT,
    "modelName" TEXT NOT NULL,
    "driver" TEXT,
    "netdev" TEXT,
    "macAddress" TEXT,
    "numaNode" INTEGER,
    "slot" TEXT,
    "totalVfs" INTEGER NOT NULL DEFAULT 0,
    "currentVfs" INTEGER NOT NULL DEFAULT 0,
    "desiredVfs" INTEGER,
    "linkState" TEXT,
    "linkSpeedMbps" INTEGER,
    "firmwareMaxVfs" INTEGER,
    "vfDriver" TEXT,
    "vfDriverAvailable" BOOLEAN,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PhysicalFunction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VirtualFunction" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "pfId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "pciAddress" TEXT NOT NULL,
    "driver" TEXT,
    "netdev" TEXT,
    "mac" TEXT,
    "vlan" INTEGER,
    "qos" INTEGER,
    "trust" BOOLEAN,
    "spoofchk" BOOLEAN,
    "linkState" TEXT,
    "maxTxRateMbps" INTEGER,
    "iommuGroup" INTEGER,
    "desiredMac" TEXT,
    "desiredVlan" INTEGER,
    "desiredQos" INTEGER,
    "desiredTrust" BOOLEAN,
    "desiredSpoofchk" BOOLEAN,
    "desiredLinkState" TEXT,
    "desiredMaxTxRateMbps" INTEGER,
    "desiredDriver" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VirtualFunction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VirtualMachine" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uuid" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "numaNode" INTEGER,
    "vcpus" INTEGER NOT NULL,
    "memoryMiB" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VirtualMachine_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_vfId_key" ON "Assignment"("vfId");

-- CreateIndex
CREATE INDEX "Assignment_hostId_idx" ON "Assignment"("hostId");

-- CreateIndex
CREATE INDEX "Assignment_vmId_idx" ON "Assignment"("vmId");

-- CreateIndex
CREATE INDEX "AuditEvent_hostId_at_idx" ON "AuditEvent"("hostId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE UNIQUE INDEX "BiosRead_hostId_key" ON "BiosRead"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "BiosSetting_hostId_name_key" ON "BiosSetting"("hostId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Bmc_hostId_key" ON "Bmc"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Host_serialNumber_key" ON "Host"("serialNumber");

-- CreateIndex
CREATE INDEX "Host_agentStatus_idx" ON "Host"("agentStatus");

-- CreateIndex
CREATE INDEX "Host_generation_idx" ON "Host"("generation");

-- CreateIndex
CREATE INDEX "Operation_hostId_queuedAt_idx" ON "Operation"("hostId", "queuedAt");

-- CreateIndex
CREATE INDEX "Operation_status_idx" ON "Operation"("status");

-- CreateIndex
CREATE UNIQUE INDEX "PhysicalFunction_hostId_pciAddress_key" ON "PhysicalFunction"("hostId", "pciAddress");

-- CreateIndex
CREATE INDEX "VirtualFunction_hostId_idx" ON "VirtualFunction"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualFunction_hostId_pciAddress_key" ON "VirtualFunction"("hostId", "pciAddress");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualFunction_pfId_index_key" ON "VirtualFunction"("pfId", "index");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualMachine_uuid_key" ON "VirtualMachine"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualMachine_hostId_name_key" ON "VirtualMachine"("hostId", "name");

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_vmId_fkey" FOREIGN KEY ("vmId") REFERENCES "VirtualMachine"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_vfId_fkey" FOREIGN KEY ("vfId") REFERENCES "VirtualFunction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BiosRead" ADD CONSTRAINT "BiosRead_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BiosSetting" ADD CONSTRAINT "BiosSetting_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bmc" ADD CONSTRAINT "Bmc_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PhysicalFunction" ADD CONSTRAINT "PhysicalFunction_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualFunction" ADD CONSTRAINT "VirtualFunction_pfId_fkey" FOREIGN KEY ("pfId") REFERENCES "PhysicalFunction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualFunction" ADD CONSTRAINT "VirtualFunction_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualMachine" ADD CONSTRAINT "VirtualMachine_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

