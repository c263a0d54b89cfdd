/** The poller's visibility source, from the Page Visibility API. */
import type { VisibilitySource } from "../net/poller";

export function documentVisibility(doc: Document = document): VisibilitySource {
  return {
    isHidden: () => doc.visibilityState === "hidden",
    subscribe: (onChange) => {
      doc.addEventListener("visibilitychange", onChange);
      return () => doc.removeEventListener("visibilitychange", onChange);
    },
  };
}
