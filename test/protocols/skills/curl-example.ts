/** A request as a `curl` command line describes it. */
export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function expand(name: string, variables: Record<string, string>): string {
  const value = variables[name];
  if (value === undefined) throw new Error(`the example uses $${name}, which the test did not provide`);
  return value;
}

/**
 * Splits a POSIX shell command into words the way `sh` would for what SKILL.md examples use: `\`-newline
 * continuations, single quotes (literal), double quotes and bare words (with `$NAME` / `${NAME}` expanded
 * from `variables`, and backslash escapes). Anything else (command substitution, globbing) is refused.
 */
export function shellWords(command: string, variables: Record<string, string>): string[] {
  const words: string[] = [];
  let word: string | null = null;
  const text = command.replace(/\\\r?\n/g, '');
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    word ??= '';
    if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word += text.slice(index + 1, end);
      index = end;
    } else if (char === '"') {
      index++;
      for (; index < text.length && text[index] !== '"'; index++) {
        const inner = text[index]!;
        if (inner === '\\' && '$`"\\'.includes(text[index + 1] ?? '')) word += text[++index];
        else if (inner === '$') {
          const variable = /^\$(?:\{(\w+)\}|(\w+))/.exec(text.slice(index))!;
          word += expand(variable[1] ?? variable[2]!, variables);
          index += variable[0].length - 1;
        } else if (inner === '`') throw new Error('command substitution in an example');
        else word += inner;
      }
      if (index >= text.length) throw new Error('unterminated double quote');
    } else if (char === '\\') {
      word += text[++index] ?? '';
    } else if (char === '$') {
      const variable = /^\$(?:\{(\w+)\}|(\w+))/.exec(text.slice(index));
      if (!variable) throw new Error(`unsupported shell syntax at ${text.slice(index, index + 20)}`);
      word += expand(variable[1] ?? variable[2]!, variables);
      index += variable[0].length - 1;
    } else if ('`*?[|;&<>()'.includes(char)) {
      throw new Error(`unsupported shell syntax '${char}' in an example`);
    } else {
      word += char;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/**
 * The request of the `curl` example in a SKILL.md (the bash block under "## Request"), with the
 * placeholders it uses filled from `variables`. Knows the options a request example needs (`-X`, `-H`,
 * `-u`, `--data`/`-d`, and `-s`/`-S` which change nothing) and refuses others, so an example that stops
 * being plain curl fails here.
 */
export function curlRequest(skill: string, variables: Record<string, string>): CurlRequest {
  const block = /## Request\n[\s\S]*?```bash\n([\s\S]*?)\n```/.exec(skill);
  if (!block) throw new Error('no bash example under ## Request');
  const [program, ...args] = shellWords(block[1]!, variables);
  if (program !== 'curl') throw new Error(`the example runs ${program}, not curl`);
  const request: CurlRequest = { method: 'GET', url: '', headers: {}, body: undefined };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const next = () => {
      const value = args[++index];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if (arg === '-sS' || arg === '-s' || arg === '-S') continue;
    if (arg === '-X' || arg === '--request') request.method = next();
    else if (arg === '-H' || arg === '--header') {
      const header = next();
      const colon = header.indexOf(':');
      request.headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (arg === '-u' || arg === '--user') {
      request.headers.authorization = `Basic ${Buffer.from(next()).toString('base64')}`;
    } else if (arg === '-d' || arg === '--data' || arg === '--data-raw') {
      request.body = next();
      if (!args.includes('-X') && !args.includes('--request')) request.method = 'POST';
    } else if (arg.startsWith('-'))
      throw new Error(`the example uses curl option ${arg}, which this parser does not know`);
    else request.url = arg;
  }
  return request;
}
