import type { JsonSchema } from '../../tools/types.ts';
import type { GatewayTool, ServedGateway } from '../gateway-registry.ts';
import { cardSecurity } from './card-security.ts';
import { OUTPUT_MODES } from './task-outcomes.ts';

/** What a message may carry: the arguments as a data part, or as JSON text. */
const INPUT_MODES = ['application/json', 'text/plain'];
const LISTED_PARAMETERS = 20;

/** The words of a tool name, whether snake_case, kebab-case or camelCase. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.-]+/)
    .filter(Boolean);
}

function humanName(name: string): string {
  const sentence = wordsOf(name).join(' ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1) || name;
}

function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** A plausible value for a parameter, from its schema's own examples when it has any. */
function exampleValue(schema: JsonSchema, name: string): unknown {
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  for (const key of ['example', 'default', 'const'] as const) if (key in schema) return schema[key];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (firstOf(schema.type)) {
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    case 'null':
      return null;
    default:
      return `<${name}>`;
  }
}

function propertiesOf(tool: GatewayTool): [string, JsonSchema][] {
  const properties = tool.parameters.properties;
  if (!properties || typeof properties !== 'object') return [];
  return Object.entries(properties as Record<string, JsonSchema>).filter(
    ([, schema]) => schema !== null && typeof schema === 'object',
  );
}

/** An LLM picks a skill from its card alone, so the description lists the arguments it takes. */
function skillDescription(tool: GatewayTool): string {
  const required = new Set(Array.isArray(tool.parameters.required) ? tool.parameters.required : []);
  const listed = propertiesOf(tool)
    .slice(0, LISTED_PARAMETERS)
    .map(([name, schema]) => {
      const type = firstOf(schema.type);
      const facts = [typeof type === 'string' ? type : 'any', ...(required.has(name) ? ['required'] : [])];
      const about = typeof schema.description === 'string' ? `: ${schema.description.slice(0, 200)}` : '';
      return `${name} (${facts.join(', ')})${about}`;
    });
  const summary = tool.description || `Calls ${tool.name}`;
  const deprecated = tool.deprecated ? ' Deprecated: it still works, but may go away.' : '';
  return listed.length > 0
    ? `${summary}${deprecated}\n\nArguments: ${listed.join('; ')}`
    : `${summary}${deprecated}`;
}

function skillOf(tool: GatewayTool) {
  const required = new Set(Array.isArray(tool.parameters.required) ? tool.parameters.required : []);
  const example = Object.fromEntries(
    propertiesOf(tool)
      .filter(([name]) => required.has(name))
      .map(([name, schema]) => [name, exampleValue(schema, name)]),
  );
  const words = wordsOf(tool.name).filter((word) => word.length > 1);
  return {
    id: tool.name,
    name: humanName(tool.name),
    description: skillDescription(tool),
    tags: [...new Set(['tool', ...words, ...(tool.deprecated ? ['deprecated'] : [])])].slice(0, 10),
    examples: [JSON.stringify({ tool: tool.name, arguments: example })],
    inputModes: INPUT_MODES,
    outputModes: [...OUTPUT_MODES],
  };
}

/**
 * The gateway's agent card, in the A2A v1.0 shape or (the default for clients that name no version, as the
 * spec has it) the v0.3 shape with the v1.0 `supportedInterfaces` embedded, which clients of both versions
 * read. Both advertise the one JSON-RPC endpoint, the gateway URL, for protocol versions 1.0 and 0.3.
 *
 * The card is public, like every discovery document, and lists every tool the gateway serves (assigned,
 * enabled, active), not the subset one caller's scopes allow: anonymous callers have no scopes to filter
 * by, and a card that hid tools would leave agents unable to tell what they may be granted. What a tool
 * does is no secret; calling it needs the gateway's credentials.
 */
export function buildAgentCard(gateway: ServedGateway, version: '1.0' | '0.3'): Record<string, unknown> {
  const configuration = gateway.configuration as {
    agentName?: string;
    agentDescription?: string;
    version?: string;
    provider?: { organization: string; url: string };
  };
  const security = cardSecurity(gateway);
  const interfaces = ['1.0', '0.3'].map((protocolVersion) => ({
    url: gateway.url,
    protocolBinding: 'JSONRPC',
    protocolVersion,
  }));
  const common = {
    name: configuration.agentName ?? gateway.name,
    description:
      configuration.agentDescription ?? gateway.description ?? `The tools of ${gateway.name}, as A2A skills`,
    version: configuration.version ?? '1.0.0',
    ...(configuration.provider ? { provider: configuration.provider } : {}),
    defaultInputModes: INPUT_MODES,
    defaultOutputModes: [...OUTPUT_MODES],
    skills: gateway.tools.map(skillOf),
  };
  if (version === '1.0') {
    return {
      ...common,
      supportedInterfaces: interfaces,
      capabilities: { streaming: true, pushNotifications: false, extendedAgentCard: false },
      ...security.v1,
    };
  }
  return {
    protocolVersion: '0.3.0',
    url: gateway.url,
    preferredTransport: 'JSONRPC',
    ...common,
    capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: false },
    supportsAuthenticatedExtendedCard: false,
    ...security.v03,
    supportedInterfaces: interfaces,
  };
}
