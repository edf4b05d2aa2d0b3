-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "factsVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "generationRank" INTEGER NOT NULL DEFAULT -1,
ADD COLUMN     "nameKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "pfCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pfSriovCapable" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "readinessLinks" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "readinessRank" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "readinessVerdict" TEXT NOT NULL DEFAULT 'unknown',
ADD COLUMN     "vfsAssigned" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "vfsCapacity" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "vfsEnabled" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "vmCount" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Host_factsVersion_idx" ON "Host"("factsVersion");

-- CreateIndex
CREATE INDEX "Host_readinessVerdict_idx" ON "Host"("readinessVerdict");

-- CreateIndex
CREATE INDEX "Host_nameKey_idx" ON "Host"("nameKey");

