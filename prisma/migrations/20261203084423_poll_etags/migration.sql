-- AlterTable
ALTER TABLE "Host" ADD COLUMN "fullReadAt" DATETIME;
ALTER TABLE "Host" ADD COLUMN "inventoryEtag" TEXT;
ALTER TABLE "Host" ADD COLUMN "vmsEtag" TEXT;
