/** The strong entity tag of content with this SHA-256 (hex). */
export function entityTag(sha256: string): string {
  return `"${sha256}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag`, by the weak comparison RFC 9110 prescribes for it:
 * `*`, or any listed tag equal once a `W/` prefix is ignored.
 */
export function noneMatchHits(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/**
 * A cacheable representation, or 304 without a body when the client already holds it. Served content
 * depends on the caller's credentials and changes whenever the gateway's tools do, so caches keep it
 * private and revalidate every time (which costs a 304 when nothing changed).
 */
export function conditionalResponse(
  request: Request,
  body: Buffer,
  sha256: string,
  contentType: string,
): Response {
  const etag = entityTag(sha256);
  const headers = new Headers({ etag, 'cache-control': 'private, no-cache' });
  if (noneMatchHits(request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set('content-type', contentType);
  headers.set('content-length', String(body.length));
  return new Response(new Uint8Array(body), { status: 200, headers });
}
