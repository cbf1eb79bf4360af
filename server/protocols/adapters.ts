import type { AppDeps } from '../context.ts';
import type { GatewayType } from '../generated/prisma/enums.ts';
import { createA2aAdapter } from './a2a/a2a-adapter.ts';
import type { ProtocolAdapter } from './host.ts';
import { createMcpAdapter } from './mcp/adapter.ts';
import { createSkillsAdapter } from './skills/skills-adapter.ts';
import { createUtcpAdapter } from './utcp/utcp-adapter.ts';

/** The protocol each gateway type speaks. */
export function createProtocolAdapters(deps: AppDeps): Partial<Record<GatewayType, ProtocolAdapter>> {
  return {
    mcp: createMcpAdapter(deps),
    a2a: createA2aAdapter(deps),
    utcp: createUtcpAdapter(),
    skills: createSkillsAdapter(),
  };
}
