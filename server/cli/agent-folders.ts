import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Agents that read project skills from `<folder>/skills/<name>/SKILL.md`, by the name `--agent` takes.
 * `.agents` is the vendor-neutral folder several agents share.
 */
export const AGENT_FOLDERS: Record<string, string> = {
  claude: '.claude',
  agents: '.agents',
  cursor: '.cursor',
  windsurf: '.windsurf',
  opencode: '.opencode',
  gemini: '.gemini',
};

const DEFAULT_FOLDER = '.agents';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The skills folders to write into, relative to the project: those of the agents named, else those of
 * the agents whose folder the project has, else `.agents/skills`.
 */
export async function skillFolders(projectDir: string, agents: readonly string[]): Promise<string[]> {
  if (agents.length > 0) return agents.map((agent) => `${AGENT_FOLDERS[agent]}/skills`);
  const found: string[] = [];
  for (const folder of Object.values(AGENT_FOLDERS)) {
    if (await isDirectory(join(projectDir, folder))) found.push(`${folder}/skills`);
  }
  return found.length > 0 ? found : [`${DEFAULT_FOLDER}/skills`];
}
