import { createHash } from 'node:crypto';
import type { App } from '../../../server/app.ts';
import { type Account, createGateway } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';

export interface SkillsGateway {
  id: string;
  endpoint: string;
  /** `<base>/<organization slug><endpoint>` on the listening server. */
  url: string;
}

/** A `skills` gateway of `owner`'s organization, addressed on `baseUrl`, with optional configuration. */
export async function createSkillsGateway(
  app: App,
  owner: Account,
  baseUrl: string,
  endpoint?: string,
  configuration?: Record<string, unknown>,
): Promise<SkillsGateway> {
  const gateway = await createGateway(app, owner.caller, endpoint, 'skills');
  if (configuration) {
    expectOk(
      await rest(app, 'PATCH', `/gateways/${gateway.id}`, { caller: owner.caller, body: { configuration } }),
    );
  }
  return {
    id: gateway.id,
    endpoint: gateway.endpoint,
    url: `${baseUrl}/${owner.organizationSlug}${gateway.endpoint}`,
  };
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A discovery index entry as served. */
export interface IndexEntry {
  name: string;
  description: string;
  digest: string;
  files: { path: string; digest: string }[];
}

export interface FetchedBytes {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** GET with the given headers, the body kept as the exact bytes served. */
export async function getBytes(url: string, headers: Record<string, string> = {}): Promise<FetchedBytes> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** The gateway's discovery index and its bytes. @throws unless it answers 200. */
export async function fetchIndex(
  gatewayUrl: string,
  headers: Record<string, string> = {},
): Promise<{ bytes: Buffer; etag: string | null; skills: IndexEntry[] }> {
  const answer = await getBytes(`${gatewayUrl}/.well-known/agent-skills/index.json`, headers);
  if (answer.status !== 200) {
    throw new Error(`index answered ${answer.status}: ${answer.bytes.toString('utf8').slice(0, 300)}`);
  }
  const index = JSON.parse(answer.bytes.toString('utf8')) as { version: string; skills: IndexEntry[] };
  return { bytes: answer.bytes, etag: answer.headers.get('etag'), skills: index.skills };
}

/** One served SKILL.md, as bytes. @throws unless it answers 200. */
export async function fetchSkillFile(
  gatewayUrl: string,
  name: string,
  headers: Record<string, string> = {},
): Promise<Buffer> {
  const answer = await getBytes(`${gatewayUrl}/.well-known/agent-skills/${name}/SKILL.md`, headers);
  if (answer.status !== 200) throw new Error(`${name}/SKILL.md answered ${answer.status}`);
  return answer.bytes;
}
