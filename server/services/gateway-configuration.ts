import { z } from 'zod';
import type { GatewayType } from '../generated/prisma/enums.ts';

const originList = z
  .array(z.url('must be an origin such as https://app.example.com').max(200))
  .max(50, 'must list at most 50 origins');

/**
 * The settings each gateway type understands. Unknown keys are refused so a typo never silently does
 * nothing.
 */
export const gatewayConfigurationSchemas: Record<GatewayType, z.ZodType<Record<string, unknown>>> = {
  mcp: z.strictObject({
    /** Name the MCP server announces in `initialize` / `server/discover`; the gateway name by default. */
    serverName: z.string().trim().min(1).max(100).optional(),
    instructions: z.string().max(4000, 'must be at most 4000 characters').optional(),
    /** Browser origins allowed to call the endpoint (requests without Origin are always allowed). */
    allowedOrigins: originList.optional(),
    pageSize: z.number().int().min(1).max(500, 'must be at most 500').optional(),
  }),
  a2a: z.strictObject({
    agentName: z.string().trim().min(1).max(100).optional(),
    agentDescription: z.string().max(2000).optional(),
    version: z.string().trim().min(1).max(40).optional(),
    provider: z.strictObject({ organization: z.string().min(1).max(200), url: z.url() }).optional(),
  }),
  utcp: z.strictObject({
    manualVersion: z.string().trim().min(1).max(40).optional(),
  }),
  skills: z.strictObject({
    /** Prepended to every skill name, e.g. `acme-`. */
    skillPrefix: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*-?$/, 'must be lowercase letters, digits and hyphens')
      .max(20)
      .optional(),
  }),
};

export const ENDPOINT_PATTERN = /^\/[a-z0-9_-]{1,64}$/;

/** Adds a missing leading slash and drops one trailing slash: `prod-tools/` → `/prod-tools`. */
export function normalizeEndpoint(endpoint: string): string {
  let value = endpoint.trim();
  if (!value.startsWith('/')) value = `/${value}`;
  if (value.length > 1 && value.endsWith('/')) value = value.slice(0, -1);
  return value;
}

export const endpointField = z
  .string()
  .transform(normalizeEndpoint)
  .refine((value) => ENDPOINT_PATTERN.test(value), {
    message:
      "must be one path segment like '/prod-tools': lowercase letters, digits, '-' and '_', at most 64 characters",
  });
