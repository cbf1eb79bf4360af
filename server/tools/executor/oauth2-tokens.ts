import { createHash } from 'node:crypto';
import type { UpstreamCredential } from '../types.ts';
import { basicToken, formEncode } from './encoding.ts';
import { ExecutionError } from './execution-error.ts';
import { decodeText, isJsonMediaType, parseContentType } from './response-body.ts';
import type { TransportRequest, TransportResponse } from './transport.ts';

type ClientCredentials = Extract<UpstreamCredential, { type: 'oauth2_client_credentials' }>;

/** Sends a token request through the SSRF-guarded transport. */
export type TokenRequestSender = (request: TransportRequest) => Promise<TransportResponse>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface Entry {
  cached?: CachedToken;
  pending?: Promise<CachedToken>;
}

/** Used when the token response omits `expires_in`. */
const DEFAULT_LIFETIME_MS = 5 * 60_000;
/** Refresh this long before expiry (at most), so a token never expires while a call is in flight. */
const REFRESH_MARGIN_MS = 30_000;

function cacheKey(credential: ClientCredentials): string {
  const scopes = [...(credential.scopes ?? [])].sort().join(' ');
  // The secret is part of the key: otherwise a caller knowing only another tenant's client id (and a
  // wrong secret) would be handed that tenant's cached token.
  return createHash('sha256')
    .update(JSON.stringify([credential.tokenUrl, credential.clientId, scopes, credential.clientSecret]))
    .digest('hex');
}

function parseTokenBody(response: TransportResponse): Record<string, unknown> {
  const { mediaType, charset } = parseContentType(response.headers['content-type']);
  const text = decodeText(response.body, charset);
  if (mediaType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below together with the other malformed-response cases.
  }
  const kind = isJsonMediaType(mediaType) ? 'malformed JSON' : `'${mediaType || 'no content type'}'`;
  throw new ExecutionError(
    'UPSTREAM_ERROR',
    `OAuth2 token endpoint answered with ${kind} instead of a token`,
    {
      upstreamStatus: response.status,
    },
  );
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * OAuth2 client-credentials tokens, cached per token URL, client, scopes (and secret) until shortly before
 * they expire. Concurrent callers needing the same token share one token request.
 */
export class OAuth2Tokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly send: TokenRequestSender,
    private readonly now: () => number,
    private readonly maxEntries = 1_000,
  ) {}

  /**
   * Returns a valid access token, fetching one when none is cached.
   * @throws ExecutionError for an invalid token URL, a refused destination, a failing or malformed token
   *   response; the abort reason when `signal` aborts (the shared request continues for other callers).
   */
  async token(credential: ClientCredentials, signal?: AbortSignal): Promise<string> {
    const key = cacheKey(credential);
    let entry = this.entries.get(key);
    if (entry?.cached && entry.cached.expiresAt > this.now()) return entry.cached.token;
    if (!entry) {
      this.evictIfFull();
      entry = {};
      this.entries.set(key, entry);
    }
    let pending = entry.pending;
    if (!pending) {
      const current = entry;
      pending = this.fetch(credential).then(
        (fresh) => {
          current.cached = fresh;
          current.pending = undefined;
          return fresh;
        },
        (error: unknown) => {
          current.pending = undefined;
          if (!current.cached) this.entries.delete(key);
          throw error;
        },
      );
      current.pending = pending;
    }
    return (await raceAbort(pending, signal)).token;
  }

  /** Forgets a token the upstream rejected (HTTP 401), so the next call fetches a new one. */
  invalidate(credential: ClientCredentials, token: string): void {
    const entry = this.entries.get(cacheKey(credential));
    if (entry?.cached?.token === token) entry.cached = undefined;
  }

  private evictIfFull(): void {
    if (this.entries.size < this.maxEntries) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (!entry.pending && (!entry.cached || entry.cached.expiresAt <= now)) this.entries.delete(key);
    }
    // Still full of live tokens: drop the oldest; it is simply fetched again when needed.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  private async fetch(credential: ClientCredentials): Promise<CachedToken> {
    let url: URL;
    try {
      url = new URL(credential.tokenUrl);
    } catch {
      throw new ExecutionError('INVALID_CONFIGURATION', 'OAuth2 tokenUrl is not a valid absolute URL');
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credential.scopes && credential.scopes.length > 0) form.set('scope', credential.scopes.join(' '));
    const response = await this.send({
      method: 'POST',
      url,
      headers: {
        authorization: `Basic ${basicToken(formEncode(credential.clientId), formEncode(credential.clientSecret))}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
    });
    if (response.status >= 400) {
      throw new ExecutionError(
        'UPSTREAM_ERROR',
        `OAuth2 token request to ${url.origin}${url.pathname} failed with HTTP ${response.status}`,
        { upstreamStatus: response.status, upstreamBody: response },
      );
    }
    const body = parseTokenBody(response);
    const token = body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new ExecutionError('UPSTREAM_ERROR', 'OAuth2 token response has no access_token', {
        upstreamStatus: response.status,
      });
    }
    const expiresIn = Number(body.expires_in);
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
    return { token, expiresAt: this.now() + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 10) };
  }
}
