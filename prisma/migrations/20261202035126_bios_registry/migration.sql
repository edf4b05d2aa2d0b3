-- CreateTable
CREATE TABLE "BiosRegistry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "registryId" TEXT,
    "biosVersion" TEXT,
    "attributes" TEXT NOT NULL,
    "dependencies" TEXT,
    "readAt" DATETIME NOT NULL,
    CONSTRAINT "BiosRegistry_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "BiosRegistry_hostId_key" ON "BiosRegistry"("hostId");
