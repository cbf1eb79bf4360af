import { type JsonRpcId, RPC, RpcError, rpcErrorEvent } from './json-rpc.ts';

/** Proxies close connections that stay silent; a comment line now and then keeps a long call's stream open. */
const KEEP_ALIVE_MS = 15_000;

/**
 * A JSON-RPC answer as a Server-Sent Events stream: every result `produce` sends becomes one `data:` event
 * carrying `{ jsonrpc, id, result }`; an error it throws becomes a final error event. The stream ends when
 * `produce` does. A client that goes away only stops the events and aborts `closed`: a task `produce`
 * drives still reaches its end and is stored, while work done only for this client can stop.
 */
export function sseResponse(
  id: JsonRpcId,
  produce: (send: (result: unknown) => void, closed: AbortSignal) => Promise<void>,
): Response {
  const encoder = new TextEncoder();
  const gone = new AbortController();
  let open = true;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          open = false;
        }
      };
      const event = (payload: unknown) => write(`data: ${JSON.stringify(payload)}\n\n`);
      keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      keepAlive.unref();
      produce((result) => event({ jsonrpc: '2.0', id, result }), gone.signal)
        .catch((error: unknown) => {
          if (!(error instanceof RpcError)) console.error('A2A stream failed unexpectedly:', error);
          const rpc = error instanceof RpcError ? error : new RpcError(RPC.INTERNAL_ERROR, 'Internal error');
          event(rpcErrorEvent(id, rpc));
        })
        .finally(() => {
          clearInterval(keepAlive);
          if (open) {
            open = false;
            controller.close();
          }
        });
    },
    cancel() {
      open = false;
      clearInterval(keepAlive);
      gone.abort();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      // Tells buffering proxies (nginx) to pass events through as they come.
      'x-accel-buffering': 'no',
    },
  });
}
