import { skillFolders } from './agent-folders.ts';
import type { GatewayRef } from './args.ts';
import { CliError } from './cli-error.ts';
import { readConfig } from './config.ts';
import { fetchIndex, fetchSkillFile, type GatewayAccess, gatewayAccess } from './gateway-client.ts';
import { serverUrl } from './http-client.ts';
import { removeFiles, type SyncChanges, syncInstallation } from './installer.ts';
import { type Installation, ownedPaths, readManifest, writeManifest } from './manifest.ts';
import { watchLoop } from './watcher.ts';

/** Where a command writes its lines. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

interface SkillsContext {
  env: NodeJS.ProcessEnv;
  dir: string;
  url: string | null;
  key: string | null;
}

async function accessFor(context: SkillsContext, ref: GatewayRef): Promise<GatewayAccess> {
  if (context.url) return gatewayAccess(serverUrl(context.url), ref, context.key);
  const config = await readConfig(context.env);
  if (!config)
    throw new CliError(
      'not logged in: run toolgate login --url <server> --token <token>, or pass --url <server>',
    );
  return gatewayAccess(serverUrl(config.url), ref, context.key);
}

/**
 * One sync of a gateway's skills into the project, recorded in the manifest. Returns the index's entity
 * tag for the next poll, and the changes (null when the index had not changed since `etag`).
 */
async function syncOnce(
  context: SkillsContext,
  access: GatewayAccess,
  agents: readonly string[],
  etag: string | null,
  onConflict: 'fail' | 'skip',
  signal?: AbortSignal,
): Promise<{ etag: string | null; changes: SyncChanges | null; installation: Installation | null }> {
  const answer = await fetchIndex(access, etag, signal);
  if (!answer.changed) return { etag, changes: null, installation: null };
  const manifest = await readManifest(context.dir);
  const previous = manifest.installations.find((entry) => entry.gateway === access.ref.label) ?? null;
  const others = manifest.installations.filter((entry) => entry !== previous);
  const folders = agents.length > 0 || !previous ? await skillFolders(context.dir, agents) : previous.folders;
  const { installation, changes } = await syncInstallation({
    projectDir: context.dir,
    gateway: access.ref.label,
    url: access.url,
    folders,
    previous,
    othersPaths: ownedPaths({ version: 1, installations: others }),
    skills: answer.skills,
    download: (skill, file) => fetchSkillFile(access, skill, file, signal),
    onConflict,
  });
  await writeManifest(context.dir, { version: 1, installations: [...others, installation] });
  return { etag: answer.etag, changes, installation };
}

function reportChanges(output: Output, changes: SyncChanges): void {
  for (const name of changes.added) output.out(`added ${name}`);
  for (const name of changes.updated) output.out(`updated ${name}`);
  for (const name of changes.removed) output.out(`removed ${name}`);
  for (const name of changes.skipped) {
    output.err(`warning: skipped ${name}: a file of yours is where it would go`);
  }
}

/** `skills install`: fetches, verifies and writes every skill of the gateway, then reports them. */
export async function installCommand(
  context: SkillsContext,
  ref: GatewayRef,
  agents: readonly string[],
  output: Output,
): Promise<void> {
  const access = await accessFor(context, ref);
  const { changes, installation } = await syncOnce(context, access, agents, null, 'fail');
  if (!changes || !installation) return;
  reportChanges(output, changes);
  const count = installation.skills.length;
  output.out(`${ref.label}: ${count} skill${count === 1 ? '' : 's'} in ${installation.folders.join(', ')}`);
}

/** `skills watch`: installs, then polls with the index's entity tag and applies changes until Ctrl+C. */
export async function watchCommand(
  context: SkillsContext,
  ref: GatewayRef,
  agents: readonly string[],
  intervalMs: number,
  output: Output,
  signal: AbortSignal,
): Promise<void> {
  const access = await accessFor(context, ref);
  let etag: string | null = null;
  output.out(`watching ${ref.label} every ${intervalMs / 1000} s; press Ctrl+C to stop`);
  await watchLoop({
    intervalMs,
    signal,
    warn: (message) => output.err(`warning: ${message}; trying again`),
    poll: async (first) => {
      const result = await syncOnce(context, access, agents, etag, first ? 'fail' : 'skip', signal);
      etag = result.etag;
      if (result.changes) reportChanges(output, result.changes);
      if (first) output.out(`${ref.label}: ${result.installation?.skills.length ?? 0} skills up to date`);
    },
  });
  output.out(`stopped watching ${ref.label}`);
}

/** `skills list`: what the manifest records, per gateway. */
export async function listCommand(context: SkillsContext, output: Output): Promise<void> {
  const manifest = await readManifest(context.dir);
  if (manifest.installations.length === 0) {
    output.out(`no skills installed by toolgate in ${context.dir}`);
    return;
  }
  for (const installation of manifest.installations) {
    output.out(`${installation.gateway} (${installation.url})`);
    for (const skill of installation.skills) {
      output.out(`  ${skill.name}  ${skill.files.map((file) => file.path).join(', ')}`);
    }
  }
}

/** `skills remove`: deletes exactly the files the manifest records for the gateway, nothing else. */
export async function removeCommand(context: SkillsContext, ref: GatewayRef, output: Output): Promise<void> {
  const manifest = await readManifest(context.dir);
  const installation = manifest.installations.find((entry) => entry.gateway === ref.label);
  if (!installation) {
    throw new CliError(`${ref.label} is not installed in ${context.dir}: toolgate skills list shows what is`);
  }
  const others = manifest.installations.filter((entry) => entry !== installation);
  const shared = ownedPaths({ version: 1, installations: others });
  const files = installation.skills.flatMap((skill) => skill.files.map((file) => file.path));
  await removeFiles(
    context.dir,
    files.filter((path) => !shared.has(path)),
    installation.folders,
  );
  await writeManifest(context.dir, { version: 1, installations: others });
  for (const skill of installation.skills) output.out(`removed ${skill.name}`);
  output.out(`${ref.label}: removed ${installation.skills.length} skills`);
}
