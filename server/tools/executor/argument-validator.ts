import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../types.ts';

/** One failed constraint, addressed by a readable argument path (`items[0].name`). */
export interface ArgumentProblem {
  path: string;
  message: string;
}

export type ArgumentValidator = (args: unknown) => ArgumentProblem[] | null;

const MAX_REPORTED_PROBLEMS = 5;

function createAjv<T extends Ajv | Ajv2020>(Kind: new (options: object) => T): T {
  // strict:false because imported schemas carry OpenAPI keywords (nullable, example, xml…) Ajv does not know.
  const ajv = new Kind({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  return ajv;
}

let draft2020: Ajv2020 | undefined;
let draft07: Ajv | undefined;

const OLDER_DIALECT = /json-schema\.org\/draft-0[4-7]\/schema/;

function compileWith(ajv: Ajv | Ajv2020, schema: AnySchemaObject): ValidateFunction {
  try {
    return ajv.compile(schema);
  } finally {
    // The validator keeps its own closure; dropping Ajv's registry entry stops the shared instance from
    // growing with every tool version and lets two tools reuse one `$id`.
    ajv.removeSchema(schema);
  }
}

/**
 * Compiles a tool's parameter schema. Schemas declaring draft-04/06/07 use the draft-07 dialect, others
 * draft 2020-12 (falling back to draft-07 for older constructs such as tuple `items` arrays).
 * @throws Error with Ajv's explanation when the schema is invalid in both dialects.
 */
export function compileArgumentValidator(parameters: JsonSchema): ArgumentValidator {
  // `$schema` is dropped so an unregistered meta-schema URI does not abort compilation; the dialect is
  // chosen here instead.
  const { $schema, ...schema } = parameters as AnySchemaObject;
  draft2020 ??= createAjv(Ajv2020);
  draft07 ??= createAjv(Ajv);
  const order =
    typeof $schema === 'string' && OLDER_DIALECT.test($schema) ? [draft07, draft2020] : [draft2020, draft07];
  let validate: ValidateFunction | undefined;
  let firstError: unknown;
  for (const ajv of order) {
    try {
      validate = compileWith(ajv, { ...schema });
      break;
    } catch (error) {
      firstError ??= error;
    }
  }
  if (!validate) throw firstError instanceof Error ? firstError : new Error(String(firstError));
  const compiled = validate;
  return (args) => (compiled(args) ? null : describeProblems(compiled.errors ?? []));
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  }
  return path;
}

function join(path: string, property: string): string {
  return path === '' ? property : `${path}.${property}`;
}

function describe(error: ErrorObject): ArgumentProblem {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: join(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { path: join(path, String(params.additionalProperty)), message: 'is not an accepted argument' };
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      return { path, message: `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}` };
    }
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

function describeProblems(errors: readonly ErrorObject[]): ArgumentProblem[] {
  const seen = new Set<string>();
  const problems: ArgumentProblem[] = [];
  for (const error of errors) {
    const problem = describe(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** Renders problems as `argument 'limit' must be integer; argument 'q' is required` (the first few). */
export function formatArgumentProblems(problems: readonly ArgumentProblem[]): string {
  const shown = problems
    .slice(0, MAX_REPORTED_PROBLEMS)
    .map((problem) =>
      problem.path === '' ? `arguments ${problem.message}` : `argument '${problem.path}' ${problem.message}`,
    );
  const more = problems.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}
