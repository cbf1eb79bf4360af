import type { A2aTaskScope } from '../../services/a2a-tasks.ts';
import type { GatewaySession } from '../gateway-session.ts';
import type { Dialect } from './dialect.ts';
import type { RpcRequest } from './json-rpc.ts';
import type { TaskRuntime } from './task-runner.ts';

/** Everything a JSON-RPC method needs: the authenticated caller's scope, the request, and its dialect. */
export interface MethodCall {
  session: GatewaySession;
  runtime: TaskRuntime;
  dialect: Dialect;
  rpc: RpcRequest;
  /** The caller's own tasks on this gateway. */
  scope: A2aTaskScope;
}

/** A method's implementation; it throws `RpcError` for the errors it answers with. */
export type MethodHandler = (call: MethodCall) => Promise<Response>;
