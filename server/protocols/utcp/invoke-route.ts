import type { ExecutionSource } from '../../generated/prisma/enums.ts';
import type { GatewaySession } from '../gateway-session.ts';
import { readJsonObject } from './json-body.ts';
import { BODY_FORM_ARGUMENTS, BODY_FORM_HEADER } from './utcp-manual.ts';
import { failureResponse, refusalResponse, utcpError, utcpJson } from './utcp-responses.ts';

/** The answer for a tool this gateway does not serve to the caller, whatever the reason. */
export function toolNotFound(name: string): Response {
  return utcpError(404, 'TOOL_NOT_FOUND', `Unknown tool: ${name.slice(0, 100)}`);
}

/**
 * `POST <gateway>/tools/:name/invoke` with `{"arguments": {…}}`, answering `{result, metadata}` or the UTCP
 * error form. UTCP and Agent Skills gateways serve this same route, so a call from a SKILL.md example and
 * one from a UTCP manual behave alike; `source` is what the execution record says served the call.
 *
 * Credentials are checked before the body is read, so a caller who may not call learns nothing from how
 * a body is judged. Each call that gets past the body reaches the executor, which leaves exactly one
 * execution record whatever the outcome.
 */
export async function invokeRoute(
  session: GatewaySession,
  name: string,
  source: ExecutionSource,
): Promise<Response> {
  const access = await session.require('tools:execute');
  if (!access.ok) return refusalResponse(access.refusal);
  const body = await readJsonObject(session.request);
  if (!body.ok) return utcpError(400, 'INVALID_PARAMS', body.message);
  const bareArguments = session.request.headers.get(BODY_FORM_HEADER) === BODY_FORM_ARGUMENTS;
  const args = bareArguments ? body.value : (body.value.arguments ?? {});
  const result = await session.invoke(name, args, source, session.request.signal);
  if (result.kind === 'not_found') return toolNotFound(name);
  if (result.kind !== 'done') return refusalResponse(result);
  const { outcome, tool } = result;
  if (!outcome.ok) return failureResponse(outcome);
  return utcpJson(200, {
    result: outcome.result,
    metadata: {
      duration: outcome.durationMs,
      toolId: outcome.toolId,
      toolName: outcome.toolName,
      upstreamStatus: outcome.upstreamStatus,
      ...(tool.deprecated ? { deprecated: true } : {}),
    },
  });
}
