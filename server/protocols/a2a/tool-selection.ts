import type { A2aMessage } from '../../services/a2a-tasks.ts';
import type { ServedGateway } from '../gateway-registry.ts';
import { readJsonObject } from '../utcp/json-body.ts';

/** The tool a message asks for and its arguments, or why the message asks for nothing this gateway does. */
export type ToolSelection = { ok: true; tool: string; arguments: unknown } | { ok: false; reason: string };

const LISTED_SKILLS = 50;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A text part as a JSON object, read by the same depth-limited reader as request bodies: a JSON document
 * inside a string escapes the body's nesting limit, and the validators the arguments go through recurse.
 * Blank text is `{}`; anything else that is not a JSON object is null.
 */
async function jsonObjectOf(text: string): Promise<Record<string, unknown> | null> {
  const parsed = await readJsonObject(new Request('http://json.invalid/', { method: 'POST', body: text }));
  return parsed.ok ? parsed.value : null;
}

/** The explicit `{ tool, arguments }` form, from a data part or from a text part holding that JSON. */
async function explicitCall(message: A2aMessage): Promise<{ tool: string; arguments: unknown } | null> {
  for (const part of message.parts) {
    let value: unknown;
    if ('data' in part) value = part.data;
    else if ('text' in part && part.text.trimStart().startsWith('{')) value = await jsonObjectOf(part.text);
    if (isPlainObject(value) && typeof value.tool === 'string') {
      return { tool: value.tool, arguments: value.arguments ?? {} };
    }
  }
  return null;
}

/** The arguments for a skill named in metadata: the first data part, else the first text part as JSON. */
async function argumentsFor(message: A2aMessage, skill: string): Promise<ToolSelection> {
  const data = message.parts.find((part) => 'data' in part);
  if (data && 'data' in data) return { ok: true, tool: skill, arguments: data.data };
  const text = message.parts.find((part) => 'text' in part);
  if (!text || !('text' in text)) return { ok: true, tool: skill, arguments: {} };
  const parsed = await jsonObjectOf(text.text);
  if (parsed) return { ok: true, tool: skill, arguments: parsed };
  return {
    ok: false,
    reason: `The arguments for skill '${skill.slice(0, 100)}' must be a data part, or a text part holding a JSON object.`,
  };
}

/** What to say about the skills a caller can choose from. */
export function skillsHint(gateway: ServedGateway): string {
  const names = gateway.tools.map((tool) => tool.name);
  if (names.length === 0) return 'This agent has no skills at the moment.';
  const listed = names.slice(0, LISTED_SKILLS).join(', ');
  const more =
    names.length > LISTED_SKILLS ? ` and ${names.length - LISTED_SKILLS} more (see the agent card)` : '';
  return `Available skills: ${listed}${more}.`;
}

/**
 * Finds the tool a message selects: a data part `{ "tool": "<skill id>", "arguments": { … } }` (or a text
 * part holding that JSON), else `metadata.skillId` (of the message, or of the request) with the arguments
 * as a data part or a JSON text part. A message that selects nothing, or a skill this gateway does not
 * serve, is not an error of the request but a task the agent rejects, saying what it can do instead.
 */
export async function selectTool(
  gateway: ServedGateway,
  message: A2aMessage,
  requestMetadata: Record<string, unknown> | undefined,
): Promise<ToolSelection> {
  const skillId = message.metadata?.skillId ?? requestMetadata?.skillId;
  const explicit = await explicitCall(message);
  const selection: ToolSelection | null = explicit
    ? { ok: true, ...explicit }
    : typeof skillId === 'string'
      ? await argumentsFor(message, skillId)
      : null;
  if (!selection) {
    return {
      ok: false,
      reason:
        'This message names no skill. Name one with a data part {"tool": "<skill id>", "arguments": {…}}, ' +
        `or set metadata.skillId and send the arguments as a data part or JSON text. ${skillsHint(gateway)}`,
    };
  }
  if (!selection.ok) return { ok: false, reason: `${selection.reason} ${skillsHint(gateway)}` };
  if (!gateway.toolsByName.has(selection.tool)) {
    return { ok: false, reason: `Unknown skill '${selection.tool.slice(0, 100)}'. ${skillsHint(gateway)}` };
  }
  return selection;
}
