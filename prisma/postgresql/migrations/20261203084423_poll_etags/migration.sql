-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "fullReadAt" TIMESTAMP(3),
ADD COLUMN     "inventoryEtag" TEXT,
ADD COLUMN     "vmsEtag" TEXT;

