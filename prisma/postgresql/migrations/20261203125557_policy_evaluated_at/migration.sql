-- AlterTable
ALTER TABLE "Policy" ADD COLUMN     "evaluatedAt" TIMESTAMP(3);

