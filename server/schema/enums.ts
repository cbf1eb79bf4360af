import { builder } from '../builder.ts';

// Enum values are lowercase because the REST reference uses them verbatim ("type": "mcp").
export const RoleEnum = builder.enumType('Role', { values: ['owner', 'admin', 'member', 'viewer'] as const });
export const GatewayTypeEnum = builder.enumType('GatewayType', {
  values: ['mcp', 'a2a', 'utcp', 'skills'] as const,
});
export const GatewayStatusEnum = builder.enumType('GatewayStatus', {
  values: ['active', 'inactive', 'maintenance', 'error'] as const,
});
export const ToolTypeEnum = builder.enumType('ToolType', { values: ['http', 'graphql', 'mcp'] as const });
export const ToolStatusEnum = builder.enumType('ToolStatus', {
  values: ['active', 'inactive', 'deprecated', 'error'] as const,
});
export const AuthMethodTypeEnum = builder.enumType('AuthMethodType', {
  values: ['none', 'api_key', 'bearer_token', 'basic_auth', 'jwt', 'oauth2'] as const,
});
