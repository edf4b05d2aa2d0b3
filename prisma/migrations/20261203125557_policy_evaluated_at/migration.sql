-- AlterTable
ALTER TABLE "Policy" ADD COLUMN "evaluatedAt" DATETIME;
