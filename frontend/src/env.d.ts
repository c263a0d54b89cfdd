/// <reference types="vite/client" />

declare module "*.vue" {
  import type { DefineComponent } from "vue";

  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** Build-time settings (`VITE_*` in the environment of `npm run build`). */
interface ImportMetaEnv {
  /** The largest snapshot kept in the browser's local copy, in MB (default 256). */
  readonly VITE_LOCAL_COPY_MAX_MB?: string;
  /** A local copy older than this many days is not painted (default 7). */
  readonly VITE_LOCAL_COPY_MAX_AGE_DAYS?: string;
}
