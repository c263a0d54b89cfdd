/**
 * Errors raised by the core modules.
 *
 * CoreError (code: string)
 * ├── QueryError   code "INVALID_QUERY": the query breaks the query contract
 * └── DecodeError  code "DECODE_ERROR": the bytes are not a readable Arrow IPC stream (or not a well-formed delta)
 *
 * Codes raised as plain CoreError: NOT_FOUND and BAD_REQUEST (worker requests), WORKER_ERROR (the
 * worker failed), DELTA_BASE_MISMATCH (applyDelta: the table is not the version the delta applies to).
 *
 * Messages start with the code ("INVALID_QUERY: ...") so the code survives transports that keep
 * only name and message (postMessage of plain objects, Playwright's error serialization).
 */
export class CoreError extends Error {
  readonly code: string;

  constructor(code: string, detail: string) {
    super(`${code}: ${detail}`);
    this.name = "CoreError";
    this.code = code;
  }
}

export class QueryError extends CoreError {
  constructor(detail: string) {
    super("INVALID_QUERY", detail);
    this.name = "QueryError";
  }
}

export class DecodeError extends CoreError {
  constructor(detail: string) {
    super("DECODE_ERROR", detail);
    this.name = "DecodeError";
  }
}
