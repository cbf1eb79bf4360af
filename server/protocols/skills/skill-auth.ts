import type { AuthMethodType } from '../../generated/prisma/enums.ts';

/** What a SKILL.md needs to know of one of the gateway's auth methods (never a secret). */
export interface SkillAuthMethod {
  type: AuthMethodType;
  configuration: Record<string, unknown>;
  requiredHeaders: string[];
}

/** The credentials part of a request example: `curl` arguments with shell variables for every secret. */
export interface RequestCredentials {
  /** `[name, value]` pairs for `-H "name: value"`; values hold `$VARIABLE` placeholders. */
  headers: [string, string][];
  /** For `-u "user:password"`, with placeholders. */
  basic: string | null;
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** The shell variable a required header's value is read from: `X-Tenant` → `$TOOLGATE_HEADER_X_TENANT`. */
function headerVariable(header: string): string {
  return `$TOOLGATE_HEADER_${header.toUpperCase().replaceAll('-', '_')}`;
}

function keyHeaderOf(method: SkillAuthMethod): string {
  const header = method.configuration.keyHeader;
  return typeof header === 'string' && HEADER_NAME.test(header) ? header : 'X-API-Key';
}

function requiredHeaders(method: SkillAuthMethod): [string, string][] {
  return method.requiredHeaders
    .filter((name) => HEADER_NAME.test(name))
    .map((name): [string, string] => [name, headerVariable(name)]);
}

/**
 * The credentials of the first method an HTTP client can satisfy, as the request example sends them.
 * OAuth 2.1 is skipped: this release issues no tokens for it. Null when no method is usable, in which
 * case the example is sent without credentials and the Authentication section says why it will fail.
 */
export function requestCredentials(methods: readonly SkillAuthMethod[]): RequestCredentials | null {
  for (const method of methods) {
    const headers = requiredHeaders(method);
    switch (method.type) {
      case 'none':
        return { headers, basic: null };
      case 'api_key':
        return { headers: [[keyHeaderOf(method), '$TOOLGATE_API_KEY'], ...headers], basic: null };
      case 'bearer_token':
        return { headers: [['Authorization', 'Bearer $TOOLGATE_API_KEY'], ...headers], basic: null };
      case 'jwt':
        return { headers: [['Authorization', 'Bearer $TOOLGATE_JWT'], ...headers], basic: null };
      case 'basic_auth':
        return { headers, basic: '$TOOLGATE_USERNAME:$TOOLGATE_PASSWORD' };
      case 'oauth2':
        break;
    }
  }
  return null;
}

function methodSentence(method: SkillAuthMethod): string {
  switch (method.type) {
    case 'none':
      return 'No credentials: the gateway is public.';
    case 'api_key':
      return `A gateway API key in the \`${keyHeaderOf(method)}\` header (or as \`Authorization: Bearer <key>\`), read from \`$TOOLGATE_API_KEY\`.`;
    case 'bearer_token':
      return 'A gateway API key as `Authorization: Bearer <key>`, read from `$TOOLGATE_API_KEY`.';
    case 'jwt':
      return 'A JSON Web Token the gateway trusts, as `Authorization: Bearer <token>`, read from `$TOOLGATE_JWT`; its `scope` claim must grant `tools:execute`.';
    case 'basic_auth':
      return 'HTTP Basic auth with the email and password of a member of the organization, read from `$TOOLGATE_USERNAME` and `$TOOLGATE_PASSWORD`.';
    case 'oauth2':
      return 'OAuth 2.1 access tokens of the gateway’s own authorization server (not issued by this server version).';
  }
}

/** One line for the front matter's metadata: the accepted methods, in the order the gateway tries them. */
export function authSummary(methods: readonly SkillAuthMethod[]): string {
  if (methods.length === 0) return 'none configured: every call is refused';
  return methods
    .map((method) => (method.type === 'api_key' ? `api_key (${keyHeaderOf(method)} header)` : method.type))
    .join(', ');
}

/** The Authentication section's lines: every accepted method, and where each secret comes from. */
export function authLines(methods: readonly SkillAuthMethod[]): string[] {
  if (methods.length === 0) {
    return ['The gateway has no auth method yet, so it refuses every call until its owner adds one.'];
  }
  const lines = [
    'The gateway accepts any one of these, tried in this order (the example uses the first that fits):',
    '',
    ...methods.map((method) => {
      const headers = requiredHeaders(method).map(([name, variable]) => `\`${name}\` (from \`${variable}\`)`);
      const extra =
        headers.length > 0
          ? ` Also send the header${headers.length > 1 ? 's' : ''} ${headers.join(', ')}.`
          : '';
      return `- ${methodSentence(method)}${extra}`;
    }),
    '',
    'Keep secrets in environment variables, never in files or prompts. A key needs the `tools:execute` scope to call the tool; missing or wrong credentials answer 401, credentials without the scope 403.',
  ];
  return lines;
}
