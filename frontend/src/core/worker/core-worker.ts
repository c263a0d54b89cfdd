/** The Web Worker entry: one core handler answering postMessage requests. */
import { createCoreHandler } from "./core-handler";
import type { RequestEnvelope } from "./protocol";

const handler = createCoreHandler();
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.addEventListener("message", (event: MessageEvent<RequestEnvelope>) => {
  const response = handler.respond(event.data);
  // Encoded bytes (a fresh buffer of their own) move to the page instead of being copied.
  const result = response.ok ? response.result : null;
  const owned =
    result instanceof Uint8Array && result.byteOffset === 0 && result.byteLength === result.buffer.byteLength;
  scope.postMessage(response, owned && result.buffer instanceof ArrayBuffer ? [result.buffer] : []);
});
