import { parse } from 'graphql';
import type { GraphqlExecutionConfig } from '../types.ts';
import { type ArgumentValidator, compileArgumentValidator } from './argument-validator.ts';
import { LruCache } from './lru-cache.ts';
import type { ExecutableTool } from './types.ts';

/** What is derived once per tool version. */
export interface CompiledTool {
  validate: ArgumentValidator;
  /** GraphQL tools whose document only holds query operations may be retried like GET. */
  readOnly: boolean;
}

export type CompiledToolResult = { ok: true; compiled: CompiledTool } | { ok: false; message: string };

/**
 * True when a GraphQL document parses and holds only `query` operations (no mutation or subscription).
 * Unparseable documents count as not read-only: the upstream decides what they mean.
 */
export function isReadOnlyDocument(query: unknown): boolean {
  if (typeof query !== 'string') return false;
  try {
    const operations = parse(query, { noLocation: true }).definitions.filter(
      (definition) => definition.kind === 'OperationDefinition',
    );
    return operations.length > 0 && operations.every((operation) => operation.operation === 'query');
  } catch {
    return false;
  }
}

function compile(tool: ExecutableTool): CompiledToolResult {
  const parameters = tool.parameters ?? { type: 'object' };
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    return { ok: false, message: 'the parameter schema must be a JSON Schema object' };
  }
  let validate: ArgumentValidator;
  try {
    validate = compileArgumentValidator(parameters);
  } catch (error) {
    return { ok: false, message: `the parameter schema is invalid: ${(error as Error).message}` };
  }
  const readOnly =
    tool.type === 'graphql' && isReadOnlyDocument((tool.executionConfig as GraphqlExecutionConfig).query);
  return { ok: true, compiled: { validate, readOnly } };
}

/**
 * Compiled validators per tool id and version, least recently used forgotten first. Compilation failures
 * are cached too, so a broken schema is not recompiled on every call.
 */
export class CompiledTools {
  private readonly cache: LruCache<string, CompiledToolResult>;

  constructor(maxEntries: number) {
    this.cache = new LruCache(maxEntries);
  }

  /** The compiled form of a tool, compiling it on first use. Never throws. */
  get(tool: ExecutableTool): CompiledToolResult {
    const key = `${tool.id}\u0000${tool.version}`;
    let result = this.cache.get(key);
    if (!result) {
      result = compile(tool);
      this.cache.set(key, result);
    }
    return result;
  }
}
