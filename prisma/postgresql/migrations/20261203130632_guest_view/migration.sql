-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "guestCheckedAt" TIMESTAMP(3),
ADD COLUMN     "guestDetail" TEXT,
ADD COLUMN     "guestDriver" TEXT,
ADD COLUMN     "guestInterface" TEXT,
ADD COLUMN     "guestLink" TEXT,
ADD COLUMN     "guestNotSeenSince" TIMESTAMP(3),
ADD COLUMN     "guestPci" TEXT,
ADD COLUMN     "guestSeen" TEXT;

-- AlterTable
ALTER TABLE "VirtualMachine" ADD COLUMN     "guestAgent" TEXT,
ADD COLUMN     "guestCheckedAt" TIMESTAMP(3),
ADD COLUMN     "guestDetail" TEXT,
ADD COLUMN     "guestExec" TEXT,
ADD COLUMN     "guestKernel" TEXT,
ADD COLUMN     "guestOs" TEXT;

