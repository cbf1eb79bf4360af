import type { Tool } from '@modelcontextprotocol/server';
import type { GatewayTool, ServedGateway } from '../gateway-registry.ts';

const DEFAULT_PAGE_SIZE = 100;
const CURSOR_PREFIX = 'after:';
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Tool names in UTF-16 code-unit order, the same on every instance whatever the database's collation. */
function byName(a: GatewayTool, b: GatewayTool): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * An opaque cursor: the name of the last tool of the previous page. Resuming "after a name" rather than
 * at an offset means a tool added or removed between two pages neither repeats nor skips another one.
 */
function encodeCursor(lastName: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${lastName}`, 'utf8').toString('base64url');
}

/** The tool name a cursor resumes after, or null when the cursor is not one this server issued. */
export function decodeCursor(cursor: string): string | null {
  if (cursor.length > 200) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return null;
  const name = text.slice(CURSOR_PREFIX.length);
  return TOOL_NAME.test(name) ? name : null;
}

/** The gateway's `configuration.pageSize`, or 100 tools per page. */
export function pageSizeOf(gateway: ServedGateway): number {
  const configured = gateway.configuration.pageSize;
  return typeof configured === 'number' && Number.isInteger(configured) && configured > 0
    ? configured
    : DEFAULT_PAGE_SIZE;
}

/** One tool as MCP lists it: the stored JSON Schemas go out exactly as they were saved. */
function toMcpTool(tool: GatewayTool): Tool {
  const output = tool.outputSchema;
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.parameters as Tool['inputSchema'],
    // 2025-era clients accept only object output schemas (and validate structuredContent against them).
    ...(output && output.type === 'object' ? { outputSchema: output as Tool['outputSchema'] } : {}),
  };
}

/**
 * One page of `tools`, in name order, after the tool named by `after` (from the start when null).
 * `nextCursor` is present only when more tools follow.
 */
export function toolPage(
  tools: readonly GatewayTool[],
  after: string | null,
  pageSize: number,
): { tools: Tool[]; nextCursor?: string } {
  const ordered = tools.slice().sort(byName);
  const start = after === null ? 0 : ordered.findIndex((tool) => tool.name > after);
  if (start === -1) return { tools: [] };
  const page = ordered.slice(start, start + pageSize);
  const more = start + pageSize < ordered.length;
  return { tools: page.map(toMcpTool), ...(more ? { nextCursor: encodeCursor(page.at(-1)!.name) } : {}) };
}
