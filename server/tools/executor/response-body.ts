import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Thrown when a response body exceeds the byte limit; the connection has been torn down by then. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';

  constructor(readonly limit: number) {
    super(`Upstream response exceeded the limit of ${limit} bytes`);
  }
}

type HeaderValue = string | string[] | undefined;

function single(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decoderFor(encoding: string | undefined): NodeJS.ReadWriteStream | null {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/**
 * Reads a response body while counting bytes, decompressing gzip/deflate/br on the way so the limit
 * applies to what is kept in memory (a small compressed bomb cannot expand past it). Stopping early
 * destroys the body stream, which makes the HTTP client drop the connection instead of draining it.
 * @param truncate when true, a body over the limit is cut and returned instead of failing.
 * @returns the body bytes and whether they were cut.
 * @throws ResponseTooLargeError when the body exceeds `maxBytes` and `truncate` is false; the stream's
 *   error when the transfer fails or is aborted.
 */
export async function readBodyLimited(
  body: Readable,
  headers: Record<string, HeaderValue>,
  maxBytes: number,
  truncate = false,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const declared = Number(single(headers['content-length']));
  if (!truncate && Number.isFinite(declared) && declared > maxBytes) {
    body.destroy();
    throw new ResponseTooLargeError(maxBytes);
  }
  const decoder = decoderFor(single(headers['content-encoding']));
  const source: Readable = decoder ? (pipeline(body, decoder, () => {}) as unknown as Readable) : body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > maxBytes) {
      // Destroying the pipeline tail also destroys the undici body, which aborts the request.
      source.destroy();
      body.destroy();
      if (!truncate) throw new ResponseTooLargeError(maxBytes);
      chunks.push(buffer.subarray(0, maxBytes - size));
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    size += buffer.length;
    chunks.push(buffer);
  }
  return { bytes: Buffer.concat(chunks, size), truncated: false };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const TEXT_TYPE =
  /^(?:text\/[\w.+-]+|application\/(?:[\w.+-]+\+)?xml|application\/(?:javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|x-yaml|x-ndjson))$/;

/** The media type (lower-cased, without parameters) and the charset parameter of a Content-Type. */
export function parseContentType(value: HeaderValue): { mediaType: string; charset: string | undefined } {
  const text = single(value) ?? '';
  const [type = '', ...params] = text.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const [name, raw] = param.split('=');
    if (name?.trim().toLowerCase() === 'charset' && raw) charset = raw.trim().replace(/^"|"$/g, '');
  }
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Decodes bytes as text in the declared charset, falling back to UTF-8 for unknown charsets. */
export function decodeText(bytes: Buffer, charset: string | undefined): string {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // An unknown label is not worth failing the call for; UTF-8 is the web default.
    }
  }
  return bytes.toString('utf8');
}

/** True when the media type is JSON (`application/json` or any `+json` suffix). */
export function isJsonMediaType(mediaType: string): boolean {
  return JSON_TYPE.test(mediaType);
}

/** True for media types whose bodies are text: JSON, XML, text/*, a few script and form types, or none. */
export function isTextualMediaType(mediaType: string): boolean {
  return mediaType === '' || JSON_TYPE.test(mediaType) || TEXT_TYPE.test(mediaType);
}

/**
 * Turns a response body into the tool result: JSON when the content type says so (text when it does not
 * parse), text for textual types or a missing type, and `{contentType, encoding: 'base64', data}` for
 * binary media. An empty body is null.
 */
export function parseResponseBody(bytes: Buffer, contentType: HeaderValue): unknown {
  if (bytes.length === 0) return null;
  const { mediaType, charset } = parseContentType(contentType);
  if (isJsonMediaType(mediaType)) {
    const text = decodeText(bytes, charset);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (isTextualMediaType(mediaType)) return decodeText(bytes, charset);
  return { contentType: mediaType, encoding: 'base64', data: bytes.toString('base64') };
}
