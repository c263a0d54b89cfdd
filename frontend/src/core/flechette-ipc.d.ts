/** flechette's IPC message parser (no buffer views made): decode-table.ts reads the buffers itself. */
declare module "@uwdata/flechette/src/decode/decode-ipc.js" {
  export function decodeIPC(data: ArrayBufferLike | Uint8Array): unknown;
}
