import { errorResponse } from './responses.ts';

/**
 * Reads at most `maxBytes` of the request body, refusing larger ones before reading them when they say
 * their length, and as soon as the limit is passed when they stream. Returns a request whose body can
 * be read again, or the 413 to send.
 */
export async function limitBody(request: Request, maxBytes: number): Promise<Request | Response> {
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return request;
  const tooLarge = () =>
    errorResponse(
      'PAYLOAD_TOO_LARGE',
      `body: larger than the ${maxBytes} bytes allowed (MAX_BODY_BYTES)`,
      413,
    );
  const length = request.headers.get('content-length');
  const declared = length === null ? Number.NaN : Number(length);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  // The HTTP parser never delivers more than the declared length, so such a body needs no second look.
  if (Number.isFinite(declared)) return request;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: Buffer.concat(chunks),
  });
}
