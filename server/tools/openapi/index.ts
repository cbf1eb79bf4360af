/** The OpenAPI / Swagger importer: parses documents and turns their operations into tool definitions. */
export { ApiImportError } from './api-import-error.ts';
export { describeDocument } from './describe-document.ts';
export { extractOperations } from './extract-operations.ts';
export {
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_NODES,
  MAX_NESTING_DEPTH,
  MAX_OUTPUT_NODES,
  MAX_REF_DEPTH,
  MAX_YAML_ALIAS_EXPANSION,
  MAX_YAML_ALIASES,
  MAX_YAML_ANCHORS,
} from './limits.ts';
export { parseApiDocument } from './parse-document.ts';
export { listSecuritySchemes } from './security-schemes.ts';
export { MAX_TOOL_NAME_LENGTH, toolNameFor } from './tool-name.ts';
export type {
  ApiDialect,
  ApiDocument,
  DocumentSummary,
  ExtractOptions,
  ImportedOperation,
  ImportedSecurityScheme,
  SecuritySchemeKind,
} from './types.ts';
