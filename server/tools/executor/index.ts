export { parseAllowedUpstreams } from '../ssrf/allowlist.ts';
export { createToolExecutor } from './create-tool-executor.ts';
export {
  DocumentFetchError,
  type DocumentFetchErrorCode,
  type FetchDocumentOptions,
  fetchDocument,
} from './fetch-document.ts';
export type {
  CircuitBreakerOptions,
  ExecutableTool,
  ExecuteRequest,
  ExecutionErrorCode,
  ExecutionOutcome,
  ToolExecutor,
  ToolExecutorOptions,
} from './types.ts';
