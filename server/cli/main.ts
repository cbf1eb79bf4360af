import { resolve } from 'node:path';
import { type Command, parseCommand, USAGE } from './args.ts';
import { CliError } from './cli-error.ts';
import { writeConfig } from './config.ts';
import { checkToken, serverUrl } from './http-client.ts';
import { installCommand, listCommand, type Output, removeCommand, watchCommand } from './skills-commands.ts';

export interface CliIo extends Output {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

async function login(command: Extract<Command, { name: 'login' }>, io: CliIo): Promise<void> {
  const url = serverUrl(command.url);
  const email = await checkToken(url, command.token);
  const file = await writeConfig(io.env, { url, token: command.token });
  io.out(`logged in to ${url} as ${email}; saved to ${file}`);
}

/** Stops on the first Ctrl+C; the handler is only installed while watching, so other commands die as usual. */
async function untilInterrupted(run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await run(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function run(command: Command, io: CliIo): Promise<void> {
  if (command.name === 'help') {
    io.out(USAGE);
    return;
  }
  if (command.name === 'login') return login(command, io);
  const context = { env: io.env, ...command.options, dir: resolve(io.cwd, command.options.dir) };
  switch (command.name) {
    case 'install':
      return installCommand(context, command.gateway, command.agents, io);
    case 'watch':
      return untilInterrupted((signal) =>
        watchCommand(context, command.gateway, command.agents, command.intervalMs, io, signal),
      );
    case 'list':
      return listCommand(context, io);
    case 'remove':
      return removeCommand(context, command.gateway, io);
  }
}

/**
 * The `toolgate` command line: runs `argv` and returns the exit code. Failures the user can fix print one
 * line, `error: <what happened>: <what to do>`, and exit 1 (2 for a command line it cannot understand).
 *
 * @example
 * process.exitCode = await main(['skills', 'list'], { env: process.env, cwd: process.cwd(), out: console.log, err: console.error });
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    await run(parseCommand(argv, io.env, io.cwd), io);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`error: ${error.message}`);
      return error.exitCode;
    }
    io.err(`error: unexpected failure: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}
