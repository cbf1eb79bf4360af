/** `application/x-www-form-urlencoded` encoding of one value (as RFC 6749 §2.3.1 wants for client ids). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The token of an HTTP Basic `Authorization` header. */
export function basicToken(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

/**
 * Appends `name=value` to a URL's query with RFC 3986 percent-encoding (%20 for spaces). Unlike
 * `searchParams.append`, the existing query keeps its original encoding instead of being reserialized.
 */
export function appendQueryParameter(url: URL, name: string, value: string): void {
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  url.search = url.search.length > 1 ? `${url.search}&${pair}` : `?${pair}`;
}
