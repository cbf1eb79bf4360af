import { builder } from '../builder.ts';
import { addAuthMethod, listAuthMethods, removeAuthMethod } from '../services/auth-methods.ts';
import { AuthMethodTypeEnum } from './enums.ts';
import { DeleteResult } from './scalars.ts';

builder.prismaObject('AuthMethod', {
  description: 'One way callers may authenticate to a gateway. Methods are tried in `position` order.',
  fields: (t) => ({
    id: t.exposeID('id'),
    gatewayId: t.exposeID('gatewayId'),
    type: t.expose('type', { type: AuthMethodTypeEnum }),
    isRequired: t.exposeBoolean('isRequired'),
    configuration: t.field({
      type: 'JSONObject',
      description: 'Settings of the method. Secrets are never returned; `secretConfigured` says one is set.',
      select: { configuration: true, secretCiphertext: true },
      resolve: (method) => ({
        ...(method.configuration as Record<string, unknown>),
        ...(method.secretCiphertext ? { secretConfigured: true } : {}),
      }),
    }),
    validationRules: t.expose('validationRules', {
      type: 'JSONObject',
      description: '{ allowedIpRanges: [CIDR], requiredHeaders: [name] }',
    }),
    position: t.exposeInt('position'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AddAuthMethodInput = builder.inputType('AddAuthMethodInput', {
  fields: (t) => ({
    type: t.field({ type: AuthMethodTypeEnum, required: true }),
    isRequired: t.boolean({ description: 'true when omitted.' }),
    configuration: t.field({
      type: 'JSONObject',
      description: 'Type-specific, e.g. { keyHeader } for api_key.',
    }),
    validationRules: t.field({ type: 'JSONObject' }),
  }),
});

builder.queryField('authMethods', (t) =>
  t.prismaField({
    type: ['AuthMethod'],
    args: { gatewayId: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, ctx) => listAuthMethods(ctx, String(args.gatewayId)),
  }),
);

builder.mutationFields((t) => ({
  addAuthMethod: t.prismaField({
    type: 'AuthMethod',
    args: {
      gatewayId: t.arg.id({ required: true }),
      input: t.arg({ type: AddAuthMethodInput, required: true }),
    },
    resolve: (_query, _root, args, ctx) => addAuthMethod(ctx, String(args.gatewayId), args.input),
  }),
  removeAuthMethod: t.field({
    type: DeleteResult,
    args: { gatewayId: t.arg.id({ required: true }), authId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => removeAuthMethod(ctx, String(args.gatewayId), String(args.authId)),
  }),
}));
