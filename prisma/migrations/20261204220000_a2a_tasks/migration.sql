-- CreateTable
CREATE TABLE "A2aTask" (
    "id" UUID NOT NULL,
    "gatewayId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "callerKey" TEXT NOT NULL,
    "contextId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "toolName" TEXT,
    "request" JSONB NOT NULL,
    "status" JSONB NOT NULL,
    "artifacts" JSONB NOT NULL DEFAULT '[]',
    "history" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "A2aTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "A2aTask_gatewayId_callerKey_updatedAt_idx" ON "A2aTask"("gatewayId", "callerKey", "updatedAt");

-- AddForeignKey
ALTER TABLE "A2aTask" ADD CONSTRAINT "A2aTask_gatewayId_fkey" FOREIGN KEY ("gatewayId") REFERENCES "Gateway"("id") ON DELETE CASCADE ON UPDATE CASCADE;

