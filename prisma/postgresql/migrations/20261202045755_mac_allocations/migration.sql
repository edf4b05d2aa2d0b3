-- CreateTable
CREATE TABLE "MacAllocation" (
    "id" TEXT NOT NULL,
    "mac" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "pfAddress" TEXT NOT NULL,
    "vfIndex" INTEGER NOT NULL,
    "allocatedBy" TEXT NOT NULL,
    "allocatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MacAllocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MacAllocation_mac_key" ON "MacAllocation"("mac");

-- CreateIndex
CREATE UNIQUE INDEX "MacAllocation_hostId_pfAddress_vfIndex_key" ON "MacAllocation"("hostId", "pfAddress", "vfIndex");

-- AddForeignKey
ALTER TABLE "MacAllocation" ADD CONSTRAINT "MacAllocation_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

