import { createHash } from 'node:crypto';
import type { RenderedSkill } from './skill-catalog.ts';

/** The version of the Agent Skills Discovery index format served (per-file `sha256:` digests). */
export const DISCOVERY_INDEX_VERSION = '0.2.0';

/** The well-known folder of a gateway's skills, relative to the gateway URL. */
export const WELL_KNOWN_SKILLS = '/.well-known/agent-skills';

/**
 * The skill-level digest of the discovery format: SHA-256 over `<path>\0<hex>\n` for each file, in
 * byte order of the paths, so a client can tell at a glance whether anything in the skill changed.
 */
export function skillDigest(files: readonly { path: string; sha256: string }[]): string {
  const lines = [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
    .map((file) => `${file.path}\0${file.sha256}\n`)
    .join('');
  return `sha256:${createHash('sha256').update(lines, 'utf8').digest('hex')}`;
}

/**
 * The discovery index for `skills`, serialised: `{version, skills: [{name, description, digest, files:
 * [{path: "SKILL.md", digest}]}]}` with the digests of the exact bytes each file is served as. Returns
 * the bytes and their SHA-256, which is also the index's entity tag.
 */
export function buildDiscoveryIndex(skills: readonly RenderedSkill[]): { bytes: Buffer; sha256: string } {
  const index = {
    version: DISCOVERY_INDEX_VERSION,
    skills: skills.map((skill) => {
      const files = [{ path: 'SKILL.md', sha256: skill.sha256 }];
      return {
        name: skill.name,
        description: skill.description,
        digest: skillDigest(files),
        files: files.map((file) => ({ path: file.path, digest: `sha256:${file.sha256}` })),
      };
    }),
  };
  const bytes = Buffer.from(`${JSON.stringify(index, null, 2)}\n`, 'utf8');
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
