import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { skillDigest } from '../protocols/skills/discovery-index.ts';
import { CliError } from './cli-error.ts';
import type { IndexedSkill } from './gateway-client.ts';
import type { Installation, InstalledFile, InstalledSkill } from './manifest.ts';

/** What a sync did, by skill name. */
export interface SyncChanges {
  added: string[];
  updated: string[];
  removed: string[];
  /** Skills left out because a file of the user's own is in the way (watch only). */
  skipped: string[];
}

export interface SyncOptions {
  projectDir: string;
  gateway: string;
  url: string;
  folders: readonly string[];
  previous: Installation | null;
  /** Paths recorded by the project's other installations, which this one must not take over. */
  othersPaths: ReadonlyMap<string, string>;
  skills: readonly IndexedSkill[];
  /** Downloads one file of a skill, verified against its digest. */
  download(skill: string, file: { path: string; sha256: string }): Promise<Buffer>;
  /** `fail` refuses the whole sync before writing anything; `skip` leaves the conflicting skills out. */
  onConflict: 'fail' | 'skip';
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The absolute path of a project-relative one. A manifest is a file anyone can edit, so a path that
 * would leave the project is refused rather than written or deleted.
 */
export function insideProject(projectDir: string, path: string): string {
  const root = resolve(projectDir);
  const absolute = resolve(root, path);
  if (!absolute.startsWith(`${root}${sep}`))
    throw new CliError(`refusing to touch ${path}: it is outside the project`);
  return absolute;
}

async function digestOnDisk(path: string): Promise<string | null> {
  try {
    return sha256(await readFile(path));
  } catch {
    return null;
  }
}

async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

/** Deletes installed files and then the folders they leave empty, up to (not including) the skills folder. */
export async function removeFiles(
  projectDir: string,
  files: readonly string[],
  folders: readonly string[],
): Promise<void> {
  for (const path of files) {
    const absolute = insideProject(projectDir, path);
    await rm(absolute, { force: true });
    const folder = folders.find((candidate) => path.startsWith(`${candidate}/`));
    if (!folder) continue;
    const stop = insideProject(projectDir, `${folder}/x`);
    for (
      let dir = dirname(absolute);
      dir !== dirname(stop) && dir.startsWith(dirname(stop));
      dir = dirname(dir)
    ) {
      // rmdir only removes empty folders: anything the user put beside the skill keeps its folder.
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }
}

interface Planned {
  skill: IndexedSkill;
  targets: { path: string; file: { path: string; sha256: string } }[];
}

/**
 * Brings one installation in line with the gateway's index: writes the skills that are new or changed
 * (into every folder), leaves unchanged ones alone, deletes what the gateway no longer serves, and returns
 * the new record. Every file is downloaded and verified before anything is written, so a failed download
 * leaves the project as it was. A file already present that this installation did not write is the
 * user's: the sync stops (or skips that skill) rather than overwrite it, unless it is byte for byte the
 * file that would be written.
 */
export async function syncInstallation(
  options: SyncOptions,
): Promise<{ installation: Installation; changes: SyncChanges }> {
  const { projectDir, folders, previous } = options;
  const recorded = new Map<string, InstalledFile>();
  for (const skill of previous?.skills ?? []) for (const file of skill.files) recorded.set(file.path, file);
  const previousNames = new Set(previous?.skills.map((skill) => skill.name) ?? []);
  const changes: SyncChanges = { added: [], updated: [], removed: [], skipped: [] };
  const kept: InstalledSkill[] = [];
  const planned: Planned[] = [];

  for (const skill of options.skills) {
    const targets = folders.flatMap((folder) =>
      skill.files.map((file) => ({ path: `${folder}/${skill.name}/${file.path}`, file })),
    );
    const onDisk = await Promise.all(
      targets.map((target) => digestOnDisk(insideProject(projectDir, target.path))),
    );
    const current = targets.every(
      (target, index) =>
        recorded.get(target.path)?.sha256 === target.file.sha256 && onDisk[index] === target.file.sha256,
    );
    if (current) {
      kept.push({
        name: skill.name,
        digest: skill.digest,
        files: targets.map((t) => ({ path: t.path, sha256: t.file.sha256 })),
      });
      continue;
    }
    const blocked = targets.find(
      (target, index) =>
        (options.othersPaths.has(target.path) || (!recorded.has(target.path) && onDisk[index] !== null)) &&
        onDisk[index] !== target.file.sha256,
    );
    if (blocked) {
      if (options.onConflict === 'fail') {
        throw new CliError(
          `${blocked.path} already exists and was not installed from ${options.gateway}: move it away, or pick other folders with --agent`,
        );
      }
      changes.skipped.push(skill.name);
      continue;
    }
    planned.push({ skill, targets });
  }

  const downloads = new Map<string, Buffer>();
  for (const { skill } of planned) {
    for (const file of skill.files)
      downloads.set(`${skill.name}/${file.path}`, await options.download(skill.name, file));
    if (skillDigest(skill.files) !== skill.digest) {
      throw new CliError(
        `the index lists a digest for ${skill.name} that its files do not add up to: run the command again`,
      );
    }
  }

  const expected = new Set<string>();
  for (const { skill, targets } of planned) {
    for (const target of targets) {
      await writeAtomically(
        insideProject(projectDir, target.path),
        downloads.get(`${skill.name}/${target.file.path}`)!,
      );
      expected.add(target.path);
    }
    (previousNames.has(skill.name) ? changes.updated : changes.added).push(skill.name);
    kept.push({
      name: skill.name,
      digest: skill.digest,
      files: targets.map((t) => ({ path: t.path, sha256: t.file.sha256 })),
    });
  }
  for (const skill of kept) for (const file of skill.files) expected.add(file.path);

  const served = new Set(kept.map((skill) => skill.name));
  changes.removed = [...previousNames]
    .filter((name) => !served.has(name) && !changes.skipped.includes(name))
    .sort();
  const stale = [...recorded.keys()].filter((path) => !expected.has(path) && !options.othersPaths.has(path));
  await removeFiles(projectDir, stale, [...new Set([...folders, ...(previous?.folders ?? [])])]);

  kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    installation: { gateway: options.gateway, url: options.url, folders: [...folders], skills: kept },
    changes,
  };
}
