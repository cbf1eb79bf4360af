import type { ServiceContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import { type RenderedSkill, renderSkills } from '../protocols/skills/skill-catalog.ts';
import type { JsonSchema } from '../tools/types.ts';
import { findGatewayInScope } from './gateways.ts';

/**
 * The SKILL.md files of a skills gateway, byte for byte what the gateway serves, for every tool it serves
 * (assigned, enabled, active or deprecated, of a type the executor runs: the gateway registry's rule),
 * whatever a particular key's scopes would let it see.
 * @throws NOT_FOUND for a missing gateway or one of another organization; BAD_REQUEST naming `type` for a
 * gateway of another type, whose tools are not served with an invoke route a skill could point at.
 */
export async function gatewaySkills(ctx: ServiceContext, gatewayId: string): Promise<RenderedSkill[]> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:read', gatewayId, 'gatewayId');
  if (gateway.type !== 'skills') {
    throw badRequest(
      'type',
      `type: only gateways of type skills render SKILL.md files; this gateway is of type ${gateway.type}`,
    );
  }
  const row = await ctx.deps.db.gateway.findUniqueOrThrow({
    where: { id: gateway.id },
    select: {
      name: true,
      endpoint: true,
      configuration: true,
      organization: { select: { slug: true } },
      authMethods: {
        orderBy: { position: 'asc' },
        select: { type: true, configuration: true, validationRules: true },
      },
      tools: {
        where: {
          enabled: true,
          tool: { status: { in: ['active', 'deprecated'] }, type: { in: ['http', 'graphql'] } },
        },
        select: {
          tool: {
            select: { name: true, description: true, parameters: true, outputSchema: true, status: true },
          },
        },
      },
    },
  });
  return renderSkills({
    name: row.name,
    url: `${ctx.deps.publicUrl}/${row.organization.slug}${row.endpoint}`,
    configuration: row.configuration as Record<string, unknown>,
    authMethods: row.authMethods.map((method) => ({
      type: method.type,
      configuration: method.configuration as Record<string, unknown>,
      requiredHeaders: (method.validationRules as { requiredHeaders?: string[] }).requiredHeaders ?? [],
    })),
    tools: row.tools.map(({ tool }) => ({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters as JsonSchema,
      outputSchema: (tool.outputSchema as JsonSchema | null) ?? null,
      deprecated: tool.status === 'deprecated',
    })),
  });
}
