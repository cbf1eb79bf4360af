-- CreateEnum
CREATE TYPE "ExecutionSource" AS ENUM ('direct', 'mcp', 'a2a', 'utcp', 'skills');

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "storeExecutionPayloads" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Tool" ADD COLUMN     "securitySchemes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sourceOperationKey" TEXT;

-- CreateTable
CREATE TABLE "Api" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'openapi',
    "baseUrl" TEXT,
    "description" TEXT,
    "document" JSONB,
    "securitySchemes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "importedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Api_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiCredential" (
    "id" UUID NOT NULL,
    "apiId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "configuration" JSONB NOT NULL DEFAULT '{}',
    "ciphertext" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Execution" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "toolId" UUID,
    "toolName" TEXT NOT NULL,
    "gatewayId" UUID,
    "apiKeyId" UUID,
    "userId" UUID,
    "source" "ExecutionSource" NOT NULL,
    "success" BOOLEAN NOT NULL,
    "errorCode" TEXT,
    "upstreamStatus" INTEGER,
    "durationMs" INTEGER NOT NULL,
    "arguments" JSONB,
    "result" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Execution_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Api_organizationId_name_key" ON "Api"("organizationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiCredential_apiId_name_key" ON "ApiCredential"("apiId", "name");

-- CreateIndex
CREATE INDEX "Execution_organizationId_createdAt_idx" ON "Execution"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "Execution_gatewayId_toolId_idx" ON "Execution"("gatewayId", "toolId");

-- CreateIndex
CREATE INDEX "Execution_toolId_createdAt_idx" ON "Execution"("toolId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Tool_sourceApiId_sourceOperationKey_key" ON "Tool"("sourceApiId", "sourceOperationKey");

-- AddForeignKey
ALTER TABLE "Tool" ADD CONSTRAINT "Tool_sourceApiId_fkey" FOREIGN KEY ("sourceApiId") REFERENCES "Api"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Api" ADD CONSTRAINT "Api_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiCredential" ADD CONSTRAINT "ApiCredential_apiId_fkey" FOREIGN KEY ("apiId") REFERENCES "Api"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Execution" ADD CONSTRAINT "Execution_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

