import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.ts';

/** A file the installer wrote, relative to the project (always with `/`). */
export interface InstalledFile {
  path: string;
  sha256: string;
}

export interface InstalledSkill {
  name: string;
  /** The skill-level digest from the index when it was written. */
  digest: string;
  files: InstalledFile[];
}

/** Everything one gateway's skills put into the project. */
export interface Installation {
  /** `@acme/prod-tools`. */
  gateway: string;
  /** The gateway URL the skills came from. */
  url: string;
  /** Skills folders written into, relative to the project: `.claude/skills`. */
  folders: string[];
  skills: InstalledSkill[];
}

export interface Manifest {
  version: 1;
  installations: Installation[];
}

/** Where the record of installed skills lives, relative to the project. */
export const MANIFEST_PATH = '.toolgate/skills.json';

/**
 * The project's record of installed skills (empty when there is none).
 * @throws CliError when the file is not one this tool wrote.
 */
export async function readManifest(projectDir: string): Promise<Manifest> {
  const file = join(projectDir, MANIFEST_PATH);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, installations: [] };
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const manifest = JSON.parse(text) as Manifest;
    if (manifest.version === 1 && Array.isArray(manifest.installations)) return manifest;
  } catch {
    // Reported below.
  }
  throw new CliError(
    `${file} is damaged: restore it from version control, or delete it and the skills it listed`,
  );
}

/** Saves the record (replacing the file in one step), or deletes it once nothing is installed. */
export async function writeManifest(projectDir: string, manifest: Manifest): Promise<void> {
  const file = join(projectDir, MANIFEST_PATH);
  if (manifest.installations.length === 0) {
    await rm(file, { force: true });
    await rmdir(dirname(file)).catch(() => {});
    return;
  }
  await mkdir(dirname(file), { recursive: true });
  const sorted = [...manifest.installations].sort((a, b) =>
    a.gateway < b.gateway ? -1 : a.gateway > b.gateway ? 1 : 0,
  );
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ version: 1, installations: sorted }, null, 2)}\n`);
  await rename(temporary, file);
}

/** Every path any installation wrote, for telling the installer's files from the user's own. */
export function ownedPaths(manifest: Manifest): Map<string, string> {
  const owners = new Map<string, string>();
  for (const installation of manifest.installations) {
    for (const skill of installation.skills) {
      for (const file of skill.files) owners.set(file.path, installation.gateway);
    }
  }
  return owners;
}
