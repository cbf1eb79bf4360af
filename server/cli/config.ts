import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.ts';

/** What `login` stores: the server and the management token checked against it. */
export interface CliConfig {
  url: string;
  token: string;
}

/** `$TOOLGATE_CONFIG_DIR/config.json`, else `$XDG_CONFIG_HOME/toolgate/config.json` or `~/.config/…`. */
export function configFile(env: NodeJS.ProcessEnv): string {
  const dir = env.TOOLGATE_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'toolgate');
  return join(dir, 'config.json');
}

/**
 * The stored configuration, or null before the first login.
 * @throws CliError when the file exists but is not one `login` wrote.
 */
export async function readConfig(env: NodeJS.ProcessEnv): Promise<CliConfig | null> {
  const file = configFile(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as Partial<CliConfig>;
    if (typeof value.url === 'string' && typeof value.token === 'string') {
      return { url: value.url, token: value.token };
    }
  } catch {
    // Reported below, like a file of the wrong shape.
  }
  throw new CliError(`${file} is damaged: delete it and run toolgate login again`);
}

/**
 * Stores the configuration readable by the user alone (the token is a credential): the folder 700, the
 * file 600, written to a temporary name first so a crash never leaves half a file.
 */
export async function writeConfig(env: NodeJS.ProcessEnv, config: CliConfig): Promise<string> {
  const file = configFile(env);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile only applies to a new file; an old temporary one keeps its own.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return file;
}
