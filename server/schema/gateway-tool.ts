import { queryFromInfo } from '@pothos/plugin-prisma';
import { builder } from '../builder.ts';
import {
  assignTool,
  assignTools,
  GATEWAY_SCOPES,
  listAvailableTools,
  listGatewayTools,
  unassignTool,
  updateGatewayTool,
} from '../services/gateway-tools.ts';
import { withoutNulls } from './input.ts';
import { pageArgs, pageOf } from './pagination.ts';
import { DeleteResult } from './scalars.ts';
import { ToolPage, toolFilterArgs } from './tool.ts';

export const GatewayToolRef = builder.prismaObject('GatewayTool', {
  description: 'A tool assigned to a gateway, with the settings that apply on that gateway.',
  fields: (t) => ({
    gatewayId: t.exposeID('gatewayId'),
    toolId: t.exposeID('toolId'),
    enabled: t.exposeBoolean('enabled'),
    rateLimit: t.exposeInt('rateLimit', {
      nullable: true,
      description: 'Calls per minute per caller; null for no limit.',
    }),
    securityPolicy: t.expose('securityPolicy', {
      type: 'JSONObject',
      description: '{ allowedScopes: [...] }: key scopes allowed to use the tool here.',
    }),
    assignedAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    tool: t.relation('tool'),
  }),
});

const GatewayToolPage = pageOf('GatewayToolPage', 'tools', GatewayToolRef);

const BulkAssignResult = builder
  .objectRef<{ assigned: Awaited<ReturnType<typeof assignTools>>['assigned']; alreadyAssigned: string[] }>(
    'BulkAssignResult',
  )
  .implement({
    fields: (t) => ({
      assigned: t.field({ type: [GatewayToolRef], resolve: (result) => result.assigned }),
      alreadyAssigned: t.exposeIDList('alreadyAssigned', {
        description: 'Ids that were assigned before; left as they were.',
      }),
    }),
  });

const SecurityPolicyInput = builder.inputType('SecurityPolicyInput', {
  fields: (t) => ({ allowedScopes: t.stringList({ description: `Any of ${GATEWAY_SCOPES.join(', ')}.` }) }),
});

const GatewayToolSettingsInput = builder.inputType('GatewayToolSettingsInput', {
  fields: (t) => ({
    enabled: t.boolean(),
    rateLimit: t.int({ description: 'Calls per minute per caller; null removes the limit.' }),
    securityPolicy: t.field({ type: SecurityPolicyInput }),
  }),
});

builder.queryFields((t) => ({
  gatewayTools: t.field({
    type: GatewayToolPage,
    description: 'Tools assigned to a gateway, by name.',
    args: { gatewayId: t.arg.id({ required: true }), ...pageArgs },
    resolve: (_root, args, ctx, info) =>
      listGatewayTools(
        ctx,
        String(args.gatewayId),
        args,
        queryFromInfo({ context: ctx, info, path: ['tools'] }) as never,
      ),
  }),
  availableTools: t.field({
    type: ToolPage,
    description: 'Tools of the organization not yet assigned to the gateway.',
    args: { gatewayId: t.arg.id({ required: true }), ...pageArgs, ...toolFilterArgs },
    resolve: (_root, args, ctx, info) =>
      listAvailableTools(
        ctx,
        String(args.gatewayId),
        args,
        queryFromInfo({ context: ctx, info, path: ['tools'] }) as never,
      ),
  }),
}));

builder.mutationFields((t) => ({
  assignTool: t.prismaField({
    type: 'GatewayTool',
    args: { gatewayId: t.arg.id({ required: true }), toolId: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => assignTool(ctx, String(args.gatewayId), String(args.toolId), query),
  }),
  assignTools: t.field({
    type: BulkAssignResult,
    description:
      'Assigns several tools, all or nothing: unknown ids are listed in the error and nothing changes.',
    args: { gatewayId: t.arg.id({ required: true }), toolIds: t.arg.idList({ required: true }) },
    resolve: (_root, args, ctx, info) =>
      assignTools(
        ctx,
        String(args.gatewayId),
        args.toolIds.map(String),
        queryFromInfo({ context: ctx, info, path: ['assigned'] }) as never,
      ),
  }),
  unassignTool: t.field({
    type: DeleteResult,
    args: { gatewayId: t.arg.id({ required: true }), toolId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => unassignTool(ctx, String(args.gatewayId), String(args.toolId)),
  }),
  updateGatewayTool: t.prismaField({
    type: 'GatewayTool',
    args: {
      gatewayId: t.arg.id({ required: true }),
      toolId: t.arg.id({ required: true }),
      input: t.arg({ type: GatewayToolSettingsInput, required: true }),
    },
    resolve: (query, _root, args, ctx) =>
      updateGatewayTool(
        ctx,
        String(args.gatewayId),
        String(args.toolId),
        withoutNulls(args.input, ['rateLimit']),
        query,
      ),
  }),
}));
