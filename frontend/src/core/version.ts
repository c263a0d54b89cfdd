/** Version of the core modules, reported by the parity harness (window.mesCore.version). */
export const CORE_VERSION = "0.1.0";
