import type { ServedGateway } from '../gateway-registry.ts';
import type { GatewaySession } from '../gateway-session.ts';
import type { ProtocolAdapter } from '../host.ts';
import { invokeRoute } from '../utcp/invoke-route.ts';
import { refusalResponse, utcpError } from '../utcp/utcp-responses.ts';
import { conditionalResponse } from './conditional.ts';
import { buildDiscoveryIndex, WELL_KNOWN_SKILLS } from './discovery-index.ts';
import { type RenderedSkill, renderSkills } from './skill-catalog.ts';

type Route =
  | { kind: 'index'; method: 'GET' }
  | { kind: 'file'; method: 'GET'; skill: string }
  | { kind: 'invoke'; method: 'POST'; tool: string };

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Which route `subpath` names, or null; a trailing slash is tolerated. */
function routeOf(subpath: string): Route | null {
  const path = subpath.endsWith('/') ? subpath.slice(0, -1) : subpath;
  if (path === '' || path === WELL_KNOWN_SKILLS || path === `${WELL_KNOWN_SKILLS}/index.json`) {
    return { kind: 'index', method: 'GET' };
  }
  const file = /^\/(?:\.well-known\/agent-skills|skills)\/([^/]+)\/SKILL\.md$/.exec(path);
  if (file) return { kind: 'file', method: 'GET', skill: decodeSegment(file[1]!) };
  const invoke = /^\/tools\/([^/]+)\/invoke$/.exec(path);
  if (invoke) return { kind: 'invoke', method: 'POST', tool: decodeSegment(invoke[1]!) };
  return null;
}

// Rendering every tool is the costly part, and a served gateway object is replaced whenever anything it
// holds changes, so the rendered skills live exactly as long as the object they were made from.
const rendered = new WeakMap<ServedGateway, RenderedSkill[]>();

function skillsOf(gateway: ServedGateway): RenderedSkill[] {
  let skills = rendered.get(gateway);
  if (!skills) {
    skills = renderSkills(gateway);
    rendered.set(gateway, skills);
  }
  return skills;
}

/** The skills of the tools this caller may see (`tools:read`, per-tool scope policy), or why not. */
async function visibleSkills(
  session: GatewaySession,
): Promise<{ ok: true; skills: RenderedSkill[] } | { ok: false; response: Response }> {
  const listing = await session.listTools();
  if (!listing.ok) return { ok: false, response: refusalResponse(listing.refusal) };
  const visible = new Set(listing.tools.map((tool) => tool.name));
  return { ok: true, skills: skillsOf(session.gateway).filter((skill) => visible.has(skill.toolName)) };
}

async function index(session: GatewaySession): Promise<Response> {
  const found = await visibleSkills(session);
  if (!found.ok) return found.response;
  const { bytes, sha256 } = buildDiscoveryIndex(found.skills);
  return conditionalResponse(session.request, bytes, sha256, 'application/json; charset=utf-8');
}

async function file(session: GatewaySession, name: string): Promise<Response> {
  const found = await visibleSkills(session);
  if (!found.ok) return found.response;
  const skill = found.skills.find((candidate) => candidate.name === name);
  if (!skill) return utcpError(404, 'NOT_FOUND', `No skill named '${name.slice(0, 100)}' on this gateway`);
  return conditionalResponse(session.request, skill.bytes, skill.sha256, 'text/markdown; charset=utf-8');
}

/**
 * Agent Skills at a gateway URL: each served tool as a SKILL.md, listed by the discovery index at
 * `/.well-known/agent-skills/index.json` (the gateway URL itself answers the same index), served at
 * `/.well-known/agent-skills/<name>/SKILL.md` and, shorter, `/skills/<name>/SKILL.md`, with `ETag` and
 * `If-None-Match` support. The index and files need `tools:read` and list only the tools the caller may
 * use; `POST /tools/:name/invoke` is the UTCP gateway's own invoke route (`tools:execute`), recorded with
 * source `skills`. Errors take the UTCP form `{ error: { code, message } }`.
 *
 * @example
 * const adapters = { skills: createSkillsAdapter() };
 * // GET /acme/prod-tools/.well-known/agent-skills/index.json  (X-API-Key: almyty_gw_…)
 * //   →  { version: "0.2.0", skills: [{ name, description, digest, files: [{ path: "SKILL.md", digest }] }] }
 */
export function createSkillsAdapter(): ProtocolAdapter {
  return {
    async handle(session, subpath) {
      const route = routeOf(subpath);
      if (!route) {
        return utcpError(404, 'NOT_FOUND', `Nothing at ${subpath.slice(0, 200)} on this skills gateway`);
      }
      // HEAD is GET without a body; the HTTP server drops the body itself.
      const method = session.request.method === 'HEAD' ? 'GET' : session.request.method;
      if (method !== route.method) {
        return utcpError(405, 'METHOD_NOT_ALLOWED', `Use ${route.method} here`, {
          headers: [['allow', route.method === 'GET' ? 'GET, HEAD' : 'POST']],
        });
      }
      switch (route.kind) {
        case 'index':
          return index(session);
        case 'file':
          return file(session, route.skill);
        case 'invoke':
          return invokeRoute(session, route.tool, 'skills');
      }
    },
    unavailable(_gateway, message) {
      return utcpError(503, 'GATEWAY_UNAVAILABLE', message);
    },
  };
}
