-- CreateTable
CREATE TABLE "BiosRegistry" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "registryId" TEXT,
    "biosVersion" TEXT,
    "attributes" TEXT NOT NULL,
    "dependencies" TEXT,
    "readAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BiosRegistry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BiosRegistry_hostId_key" ON "BiosRegistry"("hostId");

-- AddForeignKey
ALTER TABLE "BiosRegistry" ADD CONSTRAINT "BiosRegistry_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

