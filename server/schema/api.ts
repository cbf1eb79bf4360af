import { builder } from '../builder.ts';
import {
  createApi,
  deleteApi,
  findApi,
  generateTools,
  importSchema,
  listApis,
  listOperations,
  updateApi,
} from '../services/apis.ts';
import type { GenerationResult } from '../services/tool-generation.ts';
import {
  deleteUpstreamCredential,
  listUpstreamCredentials,
  setUpstreamCredential,
} from '../services/upstream-credentials.ts';
import type { ImportedSecurityScheme } from '../tools/openapi/index.ts';
import { withoutNulls } from './input.ts';
import { pageArgs, pageOf } from './pagination.ts';
import { DeleteResult } from './scalars.ts';
import { ToolRef } from './tool.ts';

export const ApiRef = builder.prismaObject('Api', {
  description: 'An upstream API connection: where imported tools send their requests.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    type: t.exposeString('type'),
    baseUrl: t.exposeString('baseUrl', {
      nullable: true,
      description: 'Overrides the servers of the description.',
    }),
    description: t.exposeString('description', { nullable: true }),
    securitySchemes: t.exposeStringList('securitySchemes', {
      description: 'Schemes the imported description declares.',
    }),
    importedAt: t.expose('importedAt', { type: 'DateTime', nullable: true }),
    toolCount: t.relationCount('tools'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('ApiCredential', {
  description: 'An upstream credential. Secrets are encrypted at rest and never returned.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', {
      description: 'The security scheme it satisfies; other names apply to every operation.',
    }),
    type: t.exposeString('type'),
    configuration: t.expose('configuration', {
      type: 'JSONObject',
      description: 'Where it is sent; no secrets.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const SecuritySchemeRef = builder.objectRef<ImportedSecurityScheme>('SecurityScheme').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.exposeString('kind'),
    in: t.exposeString('in', { nullable: true }),
    parameterName: t.exposeString('parameterName', { nullable: true }),
    tokenUrl: t.exposeString('tokenUrl', { nullable: true }),
    scopes: t.exposeStringList('scopes', { nullable: true }),
  }),
});

type Operation = Awaited<ReturnType<typeof listOperations>>[number];

const OperationRef = builder.objectRef<Operation>('ApiOperation').implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: '`METHOD /path`: the identity kept across re-imports.' }),
    operationId: t.exposeString('operationId', { nullable: true }),
    method: t.exposeString('method'),
    path: t.exposeString('path'),
    summary: t.exposeString('summary', { nullable: true }),
    description: t.exposeString('description'),
    tags: t.exposeStringList('tags'),
    deprecated: t.exposeBoolean('deprecated'),
    security: t.exposeStringList('security'),
    parameters: t.expose('parameters', { type: 'JSONObject' }),
    outputSchema: t.expose('outputSchema', { type: 'JSONObject', nullable: true }),
    toolId: t.exposeID('toolId', { nullable: true, description: 'The tool generated from it, if any.' }),
  }),
});

const GenerationResultRef = builder.objectRef<GenerationResult>('ToolGenerationResult').implement({
  fields: (t) => ({
    created: t.field({ type: [ToolRef], resolve: (result) => result.created }),
    updated: t.field({
      type: [ToolRef],
      resolve: (result) => result.updated,
      description: 'Same ids as before.',
    }),
    deprecated: t.field({
      type: [ToolRef],
      resolve: (result) => result.deprecated,
      description: 'Operations gone from the description.',
    }),
  }),
});

const ImportResultRef = builder
  .objectRef<Awaited<ReturnType<typeof importSchema>>>('SchemaImportResult')
  .implement({
    fields: (t) => ({
      api: t.field({ type: ApiRef, resolve: (result) => result.api }),
      operationCount: t.exposeInt('operationCount'),
      securitySchemes: t.field({ type: [SecuritySchemeRef], resolve: (result) => result.securitySchemes }),
      tools: t.field({ type: GenerationResultRef, nullable: true, resolve: (result) => result.tools }),
    }),
  });

const ApiPage = pageOf('ApiPage', 'apis', ApiRef);

const CreateApiInput = builder.inputType('CreateApiInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    type: t.string({ description: 'openapi (the default and only type today).' }),
    baseUrl: t.string(),
    description: t.string(),
  }),
});
const UpdateApiInput = builder.inputType('UpdateApiInput', {
  fields: (t) => ({
    name: t.string(),
    baseUrl: t.string({ description: 'null clears it.' }),
    description: t.string(),
  }),
});
const ImportSchemaInput = builder.inputType('ImportSchemaInput', {
  fields: (t) => ({
    schemaUrl: t.string({ description: 'Fetched under the same address rules as tool calls.' }),
    schemaContent: t.field({
      type: 'JSON',
      description: 'The description as JSON or YAML text, or as a JSON object.',
    }),
    generateTools: t.boolean(),
    include: t.stringList({
      description: 'Operation keys (`GET /pets`) or operationIds to generate; all when omitted.',
    }),
    exclude: t.stringList(),
    prefix: t.string({ description: 'Prepended to generated tool names.' }),
  }),
});
const GenerateToolsInput = builder.inputType('GenerateToolsInput', {
  fields: (t) => ({ include: t.stringList(), exclude: t.stringList(), prefix: t.string() }),
});

builder.queryFields((t) => ({
  apis: t.field({ type: ApiPage, args: pageArgs, resolve: (_root, args, ctx) => listApis(ctx, args) }),
  api: t.prismaField({
    type: 'Api',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => findApi(ctx, 'tool:read', String(args.id), 'id', query),
  }),
  apiOperations: t.field({
    type: [OperationRef],
    description: 'Operations of the imported description.',
    args: { apiId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => listOperations(ctx, String(args.apiId)),
  }),
  apiCredentials: t.prismaField({
    type: ['ApiCredential'],
    args: { apiId: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, ctx) => listUpstreamCredentials(ctx, String(args.apiId)),
  }),
}));

builder.mutationFields((t) => ({
  createApi: t.field({
    type: ApiRef,
    args: { input: t.arg({ type: CreateApiInput, required: true }) },
    resolve: (_root, args, ctx) => createApi(ctx, withoutNulls(args.input)),
  }),
  updateApi: t.field({
    type: ApiRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateApiInput, required: true }) },
    resolve: (_root, args, ctx) =>
      updateApi(ctx, String(args.id), withoutNulls(args.input, ['baseUrl', 'description'])),
  }),
  deleteApi: t.field({
    type: DeleteResult,
    description: 'Deletes the connection and its credentials; its tools stay.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteApi(ctx, String(args.id)),
  }),
  importApiSchema: t.field({
    type: ImportResultRef,
    description: 'Imports an OpenAPI 3.x or Swagger 2.0 description (JSON or YAML).',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: ImportSchemaInput, required: true }) },
    resolve: (_root, args, ctx) => importSchema(ctx, String(args.id), withoutNulls(args.input)),
  }),
  generateTools: t.field({
    type: GenerationResultRef,
    description: 'One tool per operation; re-running updates them in place.',
    args: { apiId: t.arg.id({ required: true }), input: t.arg({ type: GenerateToolsInput }) },
    resolve: (_root, args, ctx) => generateTools(ctx, String(args.apiId), withoutNulls(args.input ?? {})),
  }),
  setApiCredential: t.prismaField({
    type: 'ApiCredential',
    description:
      'Stores or replaces (by name) a credential: {type:"api_key", in, parameterName, value} | {type:"bearer", token} | {type:"basic", username, password} | {type:"oauth2_client_credentials", tokenUrl, clientId, clientSecret, scopes}; optional name = the security scheme.',
    args: { apiId: t.arg.id({ required: true }), input: t.arg({ type: 'JSONObject', required: true }) },
    resolve: (_query, _root, args, ctx) => setUpstreamCredential(ctx, String(args.apiId), args.input),
  }),
  deleteApiCredential: t.field({
    type: DeleteResult,
    args: { apiId: t.arg.id({ required: true }), credentialId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) =>
      deleteUpstreamCredential(ctx, String(args.apiId), String(args.credentialId)),
  }),
}));
