/** The Web Worker entry: one core handler answering postMessage requests. */
import { createCoreHandler } from "./core-handler";
import type { RequestEnvelope } from "./protocol";

const handler = createCoreHandler();
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.addEventListener("message", (event: MessageEvent<RequestEnvelope>) => {
  scope.postMessage(handler.respond(event.data));
});
