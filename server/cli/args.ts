import { parseArgs } from 'node:util';
import { AGENT_FOLDERS } from './agent-folders.ts';
import { usageError } from './cli-error.ts';

/** A gateway as the command line names it: `@<organization slug or id><endpoint>`. */
export interface GatewayRef {
  organization: string;
  endpoint: string;
  /** As typed, normalised: `@acme/prod-tools`. */
  label: string;
}

interface SkillsOptions {
  dir: string;
  url: string | null;
  key: string | null;
}

export type Command =
  | { name: 'help' }
  | { name: 'login'; url: string; token: string }
  | { name: 'install'; gateway: GatewayRef; agents: string[]; options: SkillsOptions }
  | { name: 'watch'; gateway: GatewayRef; agents: string[]; intervalMs: number; options: SkillsOptions }
  | { name: 'list'; options: SkillsOptions }
  | { name: 'remove'; gateway: GatewayRef; options: SkillsOptions };

export const USAGE = `Usage:
  toolgate login --url <server> --token <token>
  toolgate skills install @<org>/<endpoint> [--agent <name>]... [--dir <project>] [--key <gateway key>]
  toolgate skills watch @<org>/<endpoint> [--interval <seconds>] [--agent <name>]... [--dir <project>] [--key <gateway key>]
  toolgate skills list [--dir <project>]
  toolgate skills remove @<org>/<endpoint> [--dir <project>]

login checks a personal access token (or a login token) with the server and stores the server URL and
token in $TOOLGATE_CONFIG_DIR/config.json (default ~/.config/toolgate/config.json), readable only by you.
--token may be left out when TOOLGATE_TOKEN is set.

Gateways have their own credentials, separate from the management token: give a gateway API key with the
tools:read scope as --key or TOOLGATE_GATEWAY_KEY (sent as X-API-Key and as Authorization: Bearer).
Public gateways (auth method none) need no key. --url overrides the stored server URL.

install writes each skill into the skills folders of the agents it finds in the project, or into
.agents/skills when it finds none; --agent chooses instead. Agents and their folders:
${Object.entries(AGENT_FOLDERS)
  .map(([agent, folder]) => `  ${agent.padEnd(10)}${folder}/skills`)
  .join('\n')}
What it writes is recorded in .toolgate/skills.json, so remove deletes exactly that and nothing else.
watch keeps the skills current (--interval seconds, 30 by default) until Ctrl+C.`;

const GATEWAY_REF = /^@([A-Za-z0-9-]{1,64})(\/[a-z0-9_-]{1,64})\/?$/;

/** Parses `@acme/prod-tools`. */
export function parseGatewayRef(text: string | undefined): GatewayRef {
  if (!text) throw usageError('name the gateway, e.g. @acme/prod-tools');
  const match = GATEWAY_REF.exec(text);
  if (!match) {
    throw usageError(
      `'${text.slice(0, 100)}' is not a gateway: write it as @<organization>/<endpoint>, e.g. @acme/prod-tools`,
    );
  }
  const organization = match[1]!.toLowerCase();
  return { organization, endpoint: match[2]!, label: `@${organization}${match[2]}` };
}

function agentsOf(values: string[] | undefined): string[] {
  const agents = (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toLowerCase());
  for (const agent of agents) {
    if (!(agent in AGENT_FOLDERS)) {
      throw usageError(
        `unknown agent '${agent.slice(0, 40)}': use one of ${Object.keys(AGENT_FOLDERS).join(', ')}`,
      );
    }
  }
  return [...new Set(agents)];
}

function intervalOf(value: string | undefined): number {
  if (value === undefined) return 30_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.05 || seconds > 86_400) {
    throw usageError(
      `--interval must be a number of seconds between 0.05 and 86400, got '${value.slice(0, 20)}'`,
    );
  }
  return Math.round(seconds * 1000);
}

/**
 * The command `argv` asks for, with defaults from `env` (TOOLGATE_TOKEN, TOOLGATE_GATEWAY_KEY) and `cwd`.
 * @throws CliError (exit code 2) for anything it cannot understand.
 */
export function parseCommand(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0]!.replace(/\.$/, ''));
  }
  const { values, positionals } = parsed;
  const [first, second, third, ...rest] = positionals;
  if (values.help || first === undefined || first === 'help') return { name: 'help' };
  const options: SkillsOptions = {
    dir: values.dir ?? cwd,
    url: values.url ?? null,
    key: values.key ?? env.TOOLGATE_GATEWAY_KEY ?? null,
  };
  if (first === 'login') {
    const token = values.token ?? env.TOOLGATE_TOKEN;
    if (!values.url) throw usageError('login needs --url <server>');
    if (!token) throw usageError('login needs --token <token> (or TOOLGATE_TOKEN)');
    if (second !== undefined) throw usageError(`unexpected argument '${second.slice(0, 40)}'`);
    return { name: 'login', url: values.url, token };
  }
  if (first !== 'skills') throw usageError(`unknown command '${first.slice(0, 40)}'`);
  const extra = second === 'list' ? third : rest[0];
  if (extra !== undefined) throw usageError(`unexpected argument '${extra.slice(0, 40)}'`);
  switch (second) {
    case 'install':
      return { name: 'install', gateway: parseGatewayRef(third), agents: agentsOf(values.agent), options };
    case 'watch':
      return {
        name: 'watch',
        gateway: parseGatewayRef(third),
        agents: agentsOf(values.agent),
        intervalMs: intervalOf(values.interval),
        options,
      };
    case 'list':
      return { name: 'list', options };
    case 'remove':
      return { name: 'remove', gateway: parseGatewayRef(third), options };
    default:
      throw usageError(
        `unknown skills command '${(second ?? '').slice(0, 40)}': use install, watch, list or remove`,
      );
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      dir: { type: 'string' },
      agent: { type: 'string', multiple: true },
      interval: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
