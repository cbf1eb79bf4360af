import type { ErrorCode } from '../errors.ts';
import { statusOfCode } from '../errors.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function jsonResponse(status: number, body: unknown, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...Object.fromEntries(new Headers(headers)) },
  });
}

/** The documented error envelope: `{ success: false, error, message, statusCode }`. */
export function errorResponse(
  code: ErrorCode,
  message: string,
  status = statusOfCode[code],
  headers: HeadersInit = {},
): Response {
  return jsonResponse(status, { success: false, error: code, message, statusCode: status }, headers);
}
