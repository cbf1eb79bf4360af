import { ApiImportError } from './api-import-error.ts';
import { checkStructure } from './check-structure.ts';
import { MAX_DOCUMENT_BYTES } from './limits.ts';
import { parseJsonOrYaml } from './parse-text.ts';
import type { ApiDialect, ApiDocument } from './types.ts';

const SUPPORTED =
  'Supported are OpenAPI 3.0.x and 3.1.x (`openapi: 3.1.0`) and Swagger 2.0 (`swagger: "2.0"`).';

/**
 * Parses an OpenAPI 3.0.x, OpenAPI 3.1.x or Swagger 2.0 document given as JSON or YAML text.
 * @throws ApiImportError (field `schemaContent`) when the text is too large, not JSON or YAML (with line and
 * column), nested too deeply or alias-bombed, not an object, has no `openapi`/`swagger` field, declares an
 * unsupported version, or has no operations under `paths`.
 */
export function parseApiDocument(content: string): ApiDocument {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw new ApiImportError(
      `The document is ${mebibytes(bytes)} MiB; the limit is ${mebibytes(MAX_DOCUMENT_BYTES)} MiB. Remove unused paths and schemas, or split the API into several imports.`,
    );
  }
  if (content.trim() === '') {
    throw new ApiImportError(
      'The document is empty. Provide an OpenAPI 3.x or Swagger 2.0 document as JSON or YAML.',
    );
  }
  // Editors on Windows often save a byte order mark, which JSON.parse rejects.
  const root = parseJsonOrYaml(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    const got = root === null ? 'null' : Array.isArray(root) ? 'a list' : `a single ${typeof root} value`;
    throw new ApiImportError(
      `The document is ${got}, not an object. Provide an OpenAPI or Swagger document whose top level has \`openapi\` (or \`swagger\`), \`info\` and \`paths\`.`,
    );
  }
  checkStructure(root);
  const record = root as Record<string, unknown>;
  const { dialect, specVersion } = detectVersion(record);
  const paths = record.paths;
  if (paths === null || typeof paths !== 'object' || Array.isArray(paths)) {
    throw new ApiImportError(
      'The document has no `paths` object, so it describes no operations to import. Add a `paths` section (for example `/pets: { get: ... }`).',
    );
  }
  if (!Object.keys(paths).some((key) => key.startsWith('/'))) {
    throw new ApiImportError(
      'The `paths` object of the document is empty, so there are no operations to import. Add at least one path starting with "/".',
    );
  }
  return { dialect, specVersion, root: record };
}

function detectVersion(root: Record<string, unknown>): { dialect: ApiDialect; specVersion: string } {
  const { openapi, swagger } = root;
  if (openapi !== undefined) {
    const version = versionText(openapi, 'openapi');
    if (/^3\.0(\.\d+)?(-[\w.]+)?$/.test(version)) return { dialect: 'openapi-3.0', specVersion: version };
    if (/^3\.1(\.\d+)?(-[\w.]+)?$/.test(version)) return { dialect: 'openapi-3.1', specVersion: version };
    const hint = /^2(\.|$)/.test(version)
      ? ' Version 2.0 documents use the `swagger` field instead of `openapi`.'
      : '';
    throw new ApiImportError(`OpenAPI version "${version}" is not supported.${hint} ${SUPPORTED}`);
  }
  if (swagger !== undefined) {
    const version = versionText(swagger, 'swagger');
    if (version === '2.0') return { dialect: 'swagger-2.0', specVersion: '2.0' };
    throw new ApiImportError(
      `Swagger version "${version}" is not supported. ${SUPPORTED} Convert older documents to Swagger 2.0 or OpenAPI 3 first.`,
    );
  }
  throw new ApiImportError(
    `The document has neither an \`openapi\` nor a \`swagger\` field at the top level, so it is not an OpenAPI or Swagger document. ${SUPPORTED}`,
  );
}

function versionText(value: unknown, field: string): string {
  if (typeof value === 'string') return value.trim();
  // YAML reads an unquoted `openapi: 3.0` as the number 3; the only version it can have meant is 3.0.
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  throw new ApiImportError(`The \`${field}\` field must be a version string such as "3.1.0". ${SUPPORTED}`);
}

function mebibytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
}
