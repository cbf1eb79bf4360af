import { stringify } from 'yaml';
import type { JsonSchema } from '../../tools/types.ts';
import { exampleArguments } from './example-arguments.ts';
import { parameterRows, parameterTable } from './parameter-table.ts';
import { authLines, authSummary, requestCredentials, type SkillAuthMethod } from './skill-auth.ts';

/** A tool as a skill describes it. */
export interface SkillTool {
  name: string;
  description: string;
  parameters: JsonSchema;
  outputSchema: JsonSchema | null;
  deprecated: boolean;
}

/** The gateway a skill calls through. */
export interface SkillGateway {
  name: string;
  /** Public base URL of the gateway, without a trailing slash. */
  url: string;
  authMethods: readonly SkillAuthMethod[];
}

export const MAX_DESCRIPTION_LENGTH = 1024;
const MAX_GATEWAY_NAME = 100;

/** `get_item` / `getItem` → `get item`: the words of a tool name, for sentences and search keywords. */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-\s]+/g, ' ')
    .trim()
    .toLowerCase();
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never cut between the two halves of a surrogate pair (an emoji), which would not encode as UTF-8.
  const end = /[\ud800-\udbff]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  const cut = text.slice(0, end);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** What the tool does, on one line: its own description, or one made from its name. */
function summaryOf(gateway: SkillGateway, tool: SkillTool): string {
  const own = tool.description.replace(/\s+/g, ' ').trim();
  if (own) return sentence(own);
  return `Calls the ${tool.name} tool (${words(tool.name)}) of the ${clip(gateway.name, MAX_GATEWAY_NAME)} gateway over HTTP.`;
}

/**
 * The front matter description: what the tool does, then when to use it, within the specification's 1024
 * characters (the "what" part is shortened at a word boundary when the whole would not fit).
 */
export function skillDescription(gateway: SkillGateway, tool: SkillTool): string {
  const when = ` Use it when a task calls for ${words(tool.name)} through the ${clip(gateway.name, MAX_GATEWAY_NAME)} gateway (tool ${tool.name}).`;
  return `${clip(summaryOf(gateway, tool), MAX_DESCRIPTION_LENGTH - when.length)}${when}`;
}

/** `text` as one shell word, whatever it contains. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The invoke URL of a tool on the gateway. */
export function invokeUrl(gateway: SkillGateway, tool: SkillTool): string {
  return `${gateway.url}/tools/${encodeURIComponent(tool.name)}/invoke`;
}

function curlExample(gateway: SkillGateway, tool: SkillTool): string {
  const credentials = requestCredentials(gateway.authMethods);
  const body = JSON.stringify({ arguments: exampleArguments(tool.parameters) });
  const lines = [
    `curl -sS -X POST ${shellQuote(invokeUrl(gateway, tool))}`,
    `-H 'Content-Type: application/json'`,
    // Header names are plain tokens and values only `$VARIABLES`, so double quotes expand them safely.
    ...(credentials?.headers ?? []).map(([name, value]) => `-H "${name}: ${value}"`),
    ...(credentials?.basic ? [`-u "${credentials.basic}"`] : []),
    `--data ${shellQuote(body)}`,
  ];
  return ['```bash', lines.join(' \\\n  '), '```'].join('\n');
}

function frontMatter(gateway: SkillGateway, tool: SkillTool, name: string, description: string): string {
  const metadata: Record<string, string> = {
    'toolgate-tool': tool.name,
    'toolgate-gateway': gateway.url,
    'toolgate-invoke-url': invokeUrl(gateway, tool),
    'toolgate-http-method': 'POST',
    'toolgate-auth': authSummary(gateway.authMethods),
    ...(tool.deprecated ? { 'toolgate-deprecated': 'true' } : {}),
  };
  // YAML 1.1 rules for quoting, so parsers of either version read `on`, `no` or `1:20` back as strings.
  return `---\n${stringify({ name, description, metadata }, { lineWidth: 0, version: '1.1' })}---\n`;
}

function parametersSection(tool: SkillTool): string[] {
  const { rows, complete } = parameterRows(tool.parameters);
  const table = parameterTable(rows);
  if (!table) return ['This tool takes no parameters: send `{"arguments": {}}`.'];
  return [
    'Send them in the `arguments` object of the request body. Nested names use dots (`filter.status`) and `[]` marks the items of an array; a nested parameter marked required is required whenever its parent is sent.',
    '',
    table,
    ...(complete
      ? []
      : ['', 'The schema is larger than this table: only its first levels and rows are listed.']),
  ];
}

function resultSection(tool: SkillTool): string[] {
  const lines = [
    'A success answers HTTP 200 with `{"result": …, "metadata": {"duration": <ms>, "toolId": "…", "toolName": "…", "upstreamStatus": <status>}}`, where `result` is what the tool returned.',
  ];
  const rows = tool.outputSchema ? parameterRows(tool.outputSchema).rows : [];
  const table = parameterTable(rows);
  if (table) lines.push('', 'Fields of `result`:', '', table);
  lines.push(
    '',
    'A failure answers `{"error": {"code": "…", "message": "…"}}`: `INVALID_PARAMS` (400, the message names the argument to fix), `UNAUTHORIZED` (401) or `FORBIDDEN` (403) for credentials, `TOOL_NOT_FOUND` (404), `RATE_LIMITED` (429, retry after the `Retry-After` seconds) and `EXECUTION_FAILED` (502, the upstream service failed; retrying may help).',
  );
  return lines;
}

/**
 * The whole SKILL.md of one tool: front matter limited to the specification's fields (the invoke URL,
 * method and auth under `metadata`), then when to use the skill, its parameters, a ready `curl` request
 * against the gateway's invoke route with placeholders for secrets, the authentication and the answers.
 * Pure: the same gateway and tool always give the same text.
 */
export function renderSkillDocument(
  gateway: SkillGateway,
  tool: SkillTool,
  name: string,
): { description: string; content: string } {
  const description = skillDescription(gateway, tool);
  const own = tool.description.replace(/\r\n?/g, '\n').trim();
  const body = [
    `# ${tool.name}`,
    '',
    own || summaryOf(gateway, tool),
    ...(tool.deprecated
      ? ['', '> Deprecated: this tool still works but is being retired; prefer another skill that fits.']
      : []),
    '',
    '## When to use it',
    '',
    `Use this skill when a task calls for ${words(tool.name)}${own ? `: ${clip(sentence(own.replace(/\s+/g, ' ')), 300)}` : '.'} It runs the \`${tool.name}\` tool of the ${clip(gateway.name, MAX_GATEWAY_NAME)} gateway with one HTTP request; the gateway authenticates, rate-limits and records every call.`,
    '',
    '## Parameters',
    '',
    ...parametersSection(tool),
    '',
    '## Request',
    '',
    'Fill in real values for the example arguments, then run:',
    '',
    curlExample(gateway, tool),
    '',
    '## Authentication',
    '',
    ...authLines(gateway.authMethods),
    '',
    '## Response',
    '',
    ...resultSection(tool),
    '',
  ];
  return { description, content: `${frontMatter(gateway, tool, name, description)}\n${body.join('\n')}` };
}
