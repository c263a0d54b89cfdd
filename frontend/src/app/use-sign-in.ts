/** The shell's sign-in flow: dialog state, sign in/out through the session store, then the
 *  registry again (dev pages depend on the role). */
import { computed, ref } from "vue";
import type { MessageKey } from "../i18n/i18n";
import { ApiError } from "../net/api-error";
import { useServices } from "./services";

const FAILURE_KEYS: Record<string, MessageKey> = {
  SIGN_IN_FAILED: "auth.failed",
  RATE_LIMITED: "auth.limited",
};

export function signInFailureKey(error: unknown): { key: MessageKey; minutes?: number } {
  if (error instanceof ApiError) {
    const key = FAILURE_KEYS[error.code];
    if (key === "auth.limited") return { key, minutes: Math.max(1, Math.ceil((error.retryAfterS ?? 60) / 60)) };
    if (key) return { key };
  }
  return { key: "auth.error" };
}

export function useSignIn() {
  const { session, reloadRegistry } = useServices();
  const open = ref(false);
  const busy = ref(false);
  const failure = ref<{ key: MessageKey; minutes?: number } | null>(null);
  const username = computed(() => (session.state.value.authenticated ? session.state.value.username : null));
  const role = computed(() => session.state.value.role);

  const show = () => {
    failure.value = null;
    open.value = true;
  };
  const submit = async (name: string, password: string) => {
    busy.value = true;
    failure.value = null;
    try {
      await session.signIn(name, password);
      open.value = false;
      await reloadRegistry();
    } catch (e) {
      failure.value = signInFailureKey(e);
    } finally {
      busy.value = false;
    }
  };
  const signOut = async () => {
    await session.signOut().catch(() => session.load());
    await reloadRegistry();
  };
  return { open, busy, failure, username, role, show, submit, signOut, cancel: () => (open.value = false) };
}
