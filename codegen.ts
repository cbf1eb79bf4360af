import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the committed schema: one set for the REST route table, one for the tests.
const clientPreset = {
  preset: 'client',
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    emitLegacyCommonJSImports: false,
    enumsAsTypes: true,
    scalars: { DateTime: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>' },
  },
} as const;

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  generates: {
    'server/rest/gql/': { ...clientPreset, documents: ['server/rest/*operations.ts'] },
    'test/gql/': { ...clientPreset, documents: ['test/**/*.ts', '!test/gql/**'] },
  },
};

export default config;
