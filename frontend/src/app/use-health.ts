/** GET /health/deep polled through the fetch client (paused while the tab is hidden). */
import { onBeforeUnmount, shallowRef } from "vue";
import { documentVisibility } from "../browser/document-visibility";
import { createPoller, type PollState } from "../net/poller";
import { useServices } from "./services";

export type HealthBody = Record<string, unknown>;

export function useHealth(intervalMs = 15_000) {
  const { fetchClient } = useServices();
  const state = shallowRef<PollState<HealthBody> | null>(null);
  const poller = createPoller<HealthBody>({
    load: async (signal) => {
      const result = await fetchClient.getJson<HealthBody>("/health/deep", { signal, deadlineMs: 10_000 });
      return { data: result.data, meta: { dataAgeS: 0 } };
    },
    intervalMs,
    visibility: documentVisibility(),
    onChange: (s) => {
      state.value = s;
    },
  });
  poller.start();
  onBeforeUnmount(() => poller.stop());
  return { state, refresh: () => void poller.refresh() };
}
