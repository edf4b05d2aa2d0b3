-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN "guestCheckedAt" DATETIME;
ALTER TABLE "Assignment" ADD COLUMN "guestDetail" TEXT;
ALTER TABLE "Assignment" ADD COLUMN "guestDriver" TEXT;
ALTER TABLE "Assignment" ADD COLUMN "guestInterface" TEXT;
ALTER TABLE "Assignment" ADD COLUMN "guestLink" TEXT;
ALTER TABLE "Assignment" ADD COLUMN "guestNotSeenSince" DATETIME;
ALTER TABLE "Assignment" ADD COLUMN "guestPci" TEXT;
ALTER TABLE "Assignment" ADD COLUMN "guestSeen" TEXT;

-- AlterTable
ALTER TABLE "VirtualMachine" ADD COLUMN "guestAgent" TEXT;
ALTER TABLE "VirtualMachine" ADD COLUMN "guestCheckedAt" DATETIME;
ALTER TABLE "VirtualMachine" ADD COLUMN "guestDetail" TEXT;
ALTER TABLE "VirtualMachine" ADD COLUMN "guestExec" TEXT;
ALTER TABLE "VirtualMachine" ADD COLUMN "guestKernel" TEXT;
ALTER TABLE "VirtualMachine" ADD COLUMN "guestOs" TEXT;
