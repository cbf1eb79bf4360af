import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ToolCallOutcome } from '../../services/tool-execution.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A tool call's outcome as an MCP result. Success: the JSON of the result as text (for clients that only
 * read content) plus the same value as `structuredContent`. MCP requires `structuredContent` to be an
 * object, so arrays, strings, numbers and null are wrapped as `{ result: … }`, the convention the SDK
 * itself uses for non-object results. Failure: `isError` with the executor's message, which never holds
 * credentials, so the model can read what went wrong and try again.
 */
export function toCallToolResult(outcome: ToolCallOutcome): CallToolResult {
  if (!outcome.ok) return { isError: true, content: [{ type: 'text', text: outcome.message }] };
  const result = outcome.result === undefined ? null : outcome.result;
  return {
    content: [{ type: 'text', text: JSON.stringify(result) }],
    structuredContent: isPlainObject(result) ? result : { result },
  };
}
