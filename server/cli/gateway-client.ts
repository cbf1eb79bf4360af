import { createHash } from 'node:crypto';
import type { GatewayRef } from './args.ts';
import { CliError } from './cli-error.ts';
import { type HttpAnswer, httpGet, jsonOf, messageOf } from './http-client.ts';

/** One skill of a discovery index, checked: a safe name and safe relative file paths with digests. */
export interface IndexedSkill {
  name: string;
  description: string;
  digest: string;
  files: { path: string; sha256: string }[];
}

export type IndexAnswer = { changed: false } | { changed: true; etag: string | null; skills: IndexedSkill[] };

const SKILL_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** Paths as the discovery format allows them: relative, `/`-separated, printable ASCII, no `..`. */
function safePath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    /^[\x20-\x7e]{1,200}$/.test(path) &&
    !/[\\?#[\]]/.test(path) &&
    !path.startsWith('/') &&
    path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  );
}

/** How to reach a gateway: its URL on the server and the headers carrying its key. */
export interface GatewayAccess {
  ref: GatewayRef;
  /** `<server>/<organization><endpoint>`. */
  url: string;
  key: string | null;
}

/** The gateway `ref` on `server`, reached with `key` when there is one. */
export function gatewayAccess(server: string, ref: GatewayRef, key: string | null): GatewayAccess {
  return { ref, url: `${server}/${ref.organization}${ref.endpoint}`, key };
}

/**
 * The key goes out both ways an `api_key` method reads it: `X-API-Key` for the default header, and
 * `Authorization: Bearer` for a method configured with another header name and for `bearer_token`.
 */
function headersFor(access: GatewayAccess): Record<string, string> {
  return access.key ? { 'x-api-key': access.key, authorization: `Bearer ${access.key}` } : {};
}

/** A refusal turned into what to do about it. */
function refusal(access: GatewayAccess, answer: HttpAnswer, what: string): CliError {
  const label = access.ref.label;
  const detail = messageOf(answer);
  switch (answer.status) {
    case 401:
      return new CliError(
        access.key
          ? `the gateway ${label} refused the key (wrong, revoked or of another gateway): check --key or TOOLGATE_GATEWAY_KEY`
          : `the gateway ${label} needs credentials: pass --key <gateway API key> or set TOOLGATE_GATEWAY_KEY`,
      );
    case 403:
      return new CliError(
        `the gateway ${label} refused access${detail ? ` (${detail})` : ''}: use a key with the tools:read scope`,
      );
    case 404: {
      const body = jsonOf(answer) as { success?: unknown } | undefined;
      // The protocol host answers the management envelope when no gateway lives at the URL at all.
      if (body?.success === false) {
        return new CliError(
          `unknown gateway ${label} on ${new URL(access.url).origin}: check the organization and endpoint`,
        );
      }
      return new CliError(`${label} has no ${what}: is it a gateway of type skills?`);
    }
    case 429:
      return new CliError(
        `the gateway ${label} is rate limiting these requests: retry in a minute`,
        1,
        false,
      );
    case 503:
      return new CliError(
        `the gateway ${label} is unavailable${detail ? ` (${detail})` : ''}: retry later`,
        1,
        false,
      );
    default:
      return new CliError(
        `the gateway ${label} answered HTTP ${answer.status} for its ${what}${detail ? ` (${detail})` : ''}`,
        1,
        answer.status < 500,
      );
  }
}

function parseIndex(access: GatewayAccess, answer: HttpAnswer): IndexedSkill[] {
  const invalid = () =>
    new CliError(`${access.ref.label} served an index this version cannot read: is it a skills gateway?`);
  const index = jsonOf(answer) as { version?: unknown; skills?: unknown } | undefined;
  if (!index || typeof index.version !== 'string' || !/^0\.\d+\.\d+$/.test(index.version)) throw invalid();
  if (!Array.isArray(index.skills)) throw invalid();
  return index.skills.map(
    (entry: { name?: unknown; description?: unknown; digest?: unknown; files?: unknown }) => {
      if (typeof entry.name !== 'string' || entry.name.length > 64 || !SKILL_NAME.test(entry.name))
        throw invalid();
      if (typeof entry.digest !== 'string' || !Array.isArray(entry.files) || entry.files.length === 0)
        throw invalid();
      const files = entry.files.map((file: { path?: unknown; digest?: unknown }) => {
        const digest = typeof file.digest === 'string' ? DIGEST.exec(file.digest) : null;
        if (!safePath(file.path) || !digest) throw invalid();
        return { path: file.path, sha256: digest[1]! };
      });
      return {
        name: entry.name,
        description: typeof entry.description === 'string' ? entry.description : '',
        digest: entry.digest,
        files,
      };
    },
  );
}

/**
 * The gateway's discovery index, or `{changed: false}` when `etag` still matches it.
 * @throws CliError for refusals, an unknown gateway, or something that is not a skills index.
 */
export async function fetchIndex(
  access: GatewayAccess,
  etag: string | null,
  signal?: AbortSignal,
): Promise<IndexAnswer> {
  const headers = {
    ...headersFor(access),
    accept: 'application/json',
    ...(etag ? { 'if-none-match': etag } : {}),
  };
  const answer = await httpGet(`${access.url}/.well-known/agent-skills/index.json`, headers, signal);
  if (answer.status === 304) return { changed: false };
  if (answer.status !== 200) throw refusal(access, answer, 'skills index');
  return { changed: true, etag: answer.headers.get('etag'), skills: parseIndex(access, answer) };
}

/**
 * One file of a skill, verified against the digest the index gives for it.
 * @throws CliError when it cannot be fetched or its bytes differ from the index.
 */
export async function fetchSkillFile(
  access: GatewayAccess,
  skill: string,
  file: { path: string; sha256: string },
  signal?: AbortSignal,
): Promise<Buffer> {
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  const answer = await httpGet(
    `${access.url}/.well-known/agent-skills/${skill}/${path}`,
    headersFor(access),
    signal,
  );
  if (answer.status !== 200) throw refusal(access, answer, `file ${skill}/${file.path}`);
  const actual = createHash('sha256').update(answer.body).digest('hex');
  if (actual !== file.sha256) {
    throw new CliError(
      `${skill}/${file.path} does not match the digest in the index (it changed while downloading?): run the command again`,
      1,
      false,
    );
  }
  return answer.body;
}
