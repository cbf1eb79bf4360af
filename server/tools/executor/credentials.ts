import type { UpstreamCredential } from '../types.ts';
import { appendQueryParameter, basicToken } from './encoding.ts';
import { ExecutionError } from './execution-error.ts';
import { assertValidHeader } from './headers.ts';
import type { OAuth2Tokens } from './oauth2-tokens.ts';
import type { PreparedRequest } from './request-builder.ts';

type ClientCredentials = Extract<UpstreamCredential, { type: 'oauth2_client_credentials' }>;

/** What injecting credentials changed, for redirects, redaction and token invalidation. */
export interface AppliedCredentials {
  /** Header names carrying credentials; they are not forwarded to another origin on redirect. */
  sensitiveHeaders: Set<string>;
  /** Secrets obtained while applying (OAuth2 access tokens), to be scrubbed like the stored ones. */
  obtainedSecrets: string[];
  /** The OAuth2 tokens in use, so a 401 can invalidate them. */
  oauthTokens: { credential: ClientCredentials; token: string }[];
}

const ALWAYS_SENSITIVE = ['authorization', 'proxy-authorization', 'cookie'];

function setHeader(request: PreparedRequest, name: string, value: string): void {
  try {
    assertValidHeader(name, value, false);
  } catch {
    // The generic message on purpose: the invalid value is a secret.
    throw new ExecutionError(
      'INVALID_CONFIGURATION',
      `the credential for header '${name}' contains invalid characters`,
    );
  }
  request.headers[name] = value;
}

/**
 * Adds credentials to a prepared request, in order: API keys in a header, the query string or a cookie;
 * bearer and basic `Authorization`; OAuth2 client-credentials tokens (fetched or taken from the cache).
 * @throws ExecutionError INVALID_CONFIGURATION for unusable credentials (never quoting their value), or the
 *   token errors of OAuth2Tokens.token; the abort reason when `signal` aborts.
 */
export async function applyCredentials(
  request: PreparedRequest,
  credentials: readonly UpstreamCredential[] | undefined,
  tokens: OAuth2Tokens,
  signal: AbortSignal | undefined,
): Promise<AppliedCredentials> {
  const applied: AppliedCredentials = {
    sensitiveHeaders: new Set(ALWAYS_SENSITIVE),
    obtainedSecrets: [],
    oauthTokens: [],
  };
  for (const credential of credentials ?? []) {
    switch (credential.type) {
      case 'api_key': {
        const name = credential.name;
        if (typeof name !== 'string' || name === '') {
          throw new ExecutionError('INVALID_CONFIGURATION', 'an api_key credential has no parameter name');
        }
        if (credential.in === 'header') {
          setHeader(request, name.toLowerCase(), credential.value);
          applied.sensitiveHeaders.add(name.toLowerCase());
        } else if (credential.in === 'query') {
          appendQueryParameter(request.url, name, credential.value);
        } else if (credential.in === 'cookie') {
          const pair = `${name}=${credential.value}`;
          const existing = request.headers.cookie;
          setHeader(request, 'cookie', existing ? `${existing}; ${pair}` : pair);
        } else {
          throw new ExecutionError(
            'INVALID_CONFIGURATION',
            `api_key location '${String(credential.in)}' is not supported`,
          );
        }
        break;
      }
      case 'bearer':
        setHeader(request, 'authorization', `Bearer ${credential.token}`);
        break;
      case 'basic':
        setHeader(request, 'authorization', `Basic ${basicToken(credential.username, credential.password)}`);
        break;
      case 'oauth2_client_credentials': {
        const token = await tokens.token(credential, signal);
        applied.obtainedSecrets.push(token);
        applied.oauthTokens.push({ credential, token });
        setHeader(request, 'authorization', `Bearer ${token}`);
        break;
      }
      default:
        throw new ExecutionError(
          'INVALID_CONFIGURATION',
          `credential type '${String((credential as { type?: unknown }).type)}' is not supported`,
        );
    }
  }
  return applied;
}
