import { queryFromInfo } from '@pothos/plugin-prisma';
import { builder } from '../builder.ts';
import {
  createGateway,
  deleteGateway,
  getGateway,
  listGateways,
  updateGateway,
} from '../services/gateways.ts';
import { GatewayStatusEnum, GatewayTypeEnum } from './enums.ts';
import { withoutNulls } from './input.ts';
import { pageArgs, pageOf } from './pagination.ts';
import { DeleteResult } from './scalars.ts';

export const GatewayRef = builder.prismaObject('Gateway', {
  description: 'A set of tools served over one protocol at one URL, protected by its auth methods.',
  fields: (t) => ({
    id: t.exposeID('id'),
    organizationId: t.exposeID('organizationId'),
    name: t.exposeString('name'),
    type: t.expose('type', { type: GatewayTypeEnum }),
    endpoint: t.exposeString('endpoint', {
      description: "One path segment, e.g. '/prod-tools'; unique in the organization.",
    }),
    description: t.exposeString('description', { nullable: true }),
    status: t.expose('status', { type: GatewayStatusEnum }),
    configuration: t.expose('configuration', {
      type: 'JSONObject',
      description: 'Settings of the gateway type.',
    }),
    url: t.string({
      description: 'Where agents reach the gateway: PUBLIC_URL/<organization slug><endpoint>.',
      select: { organization: { select: { slug: true } } },
      resolve: (gateway, _args, ctx) =>
        `${ctx.deps.publicUrl}/${gateway.organization.slug}${gateway.endpoint}`,
    }),
    toolCount: t.relationCount('tools', { description: 'Tools assigned to the gateway.' }),
    authMethods: t.relation('authMethods', {
      description: 'Auth methods in the order they are tried.',
      query: { orderBy: { position: 'asc' } },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const GatewayPage = pageOf('GatewayPage', 'gateways', GatewayRef);

const CreateGatewayInput = builder.inputType('CreateGatewayInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    type: t.field({ type: GatewayTypeEnum, required: true }),
    endpoint: t.string({
      required: true,
      description: "e.g. '/prod-tools'; a missing leading slash is added.",
    }),
    description: t.string(),
    configuration: t.field({ type: 'JSONObject', description: 'Settings of the gateway type (see README).' }),
  }),
});

const UpdateGatewayInput = builder.inputType('UpdateGatewayInput', {
  fields: (t) => ({
    name: t.string(),
    type: t.field({
      type: GatewayTypeEnum,
      description: 'Fixed at creation; only the same value is accepted.',
    }),
    endpoint: t.string(),
    description: t.string({ description: 'null clears it.' }),
    status: t.field({ type: GatewayStatusEnum }),
    configuration: t.field({ type: 'JSONObject', description: 'Replaces the whole configuration.' }),
  }),
});

builder.queryFields((t) => ({
  gateways: t.field({
    type: GatewayPage,
    description: 'Gateways of the organization, newest first.',
    args: {
      ...pageArgs,
      type: t.arg({ type: GatewayTypeEnum }),
      status: t.arg({ type: GatewayStatusEnum }),
      search: t.arg.string({ description: 'Matches name, description or endpoint, ignoring case.' }),
    },
    resolve: (_root, args, ctx, info) =>
      listGateways(ctx, args, queryFromInfo({ context: ctx, info, path: ['gateways'] }) as never),
  }),
  gateway: t.prismaField({
    type: 'Gateway',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => getGateway(ctx, String(args.id), query),
  }),
}));

builder.mutationFields((t) => ({
  createGateway: t.prismaField({
    type: 'Gateway',
    args: { input: t.arg({ type: CreateGatewayInput, required: true }) },
    resolve: (query, _root, args, ctx) => createGateway(ctx, args.input, query),
  }),
  updateGateway: t.prismaField({
    type: 'Gateway',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateGatewayInput, required: true }) },
    resolve: (query, _root, args, ctx) =>
      updateGateway(ctx, String(args.id), withoutNulls(args.input, ['description']), query),
  }),
  deleteGateway: t.field({
    type: DeleteResult,
    description: 'Deletes the gateway with its tool assignments, auth methods and keys (the tools stay).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteGateway(ctx, String(args.id)),
  }),
}));
