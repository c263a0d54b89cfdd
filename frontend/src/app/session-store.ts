/** The sign-in session: who is signed in (from GET /api/v1/session), its CSRF token, sign in/out. */
import { type Ref, shallowRef } from "vue";
import { ApiError } from "../net/api-error";
import type { FetchClient } from "../net/fetch-client";

export interface SessionState {
  authenticated: boolean;
  username: string | null;
  role: "admin" | "user" | null;
  csrfToken: string | null;
}

export interface SessionStore {
  state: Ref<SessionState>;
  isAdmin(): boolean;
  csrfToken(): string | null;
  /** Ask the server who we are (and get a CSRF token). */
  load(): Promise<SessionState>;
  /** Rejects with the fetch client's ApiError (SIGN_IN_FAILED, RATE_LIMITED, ...). */
  signIn(username: string, password: string): Promise<SessionState>;
  signOut(): Promise<SessionState>;
}

export const ANONYMOUS: SessionState = { authenticated: false, username: null, role: null, csrfToken: null };
export const SESSION_URL = "/api/v1/session";

export function parseSession(body: unknown): SessionState {
  if (typeof body !== "object" || body === null) return ANONYMOUS;
  const b = body as Record<string, unknown>;
  const role = b.role === "admin" || b.role === "user" ? b.role : null;
  return {
    authenticated: b.authenticated === true,
    username: typeof b.username === "string" ? b.username : null,
    role: b.authenticated === true ? role : null,
    csrfToken: typeof b.csrf_token === "string" ? b.csrf_token : null,
  };
}

/** `fetchClient` reads the token through `csrfToken()`, so create the store before its first send. */
export function createSessionStore(fetchClient: () => FetchClient): SessionStore {
  const state = shallowRef<SessionState>(ANONYMOUS);
  const set = (body: unknown) => {
    state.value = parseSession(body);
    return state.value;
  };
  const load = async () => {
    const result = await fetchClient().getJson<unknown>(SESSION_URL, { deadlineMs: 15_000 });
    return set(result.data);
  };
  return {
    state,
    isAdmin: () => state.value.role === "admin",
    csrfToken: () => state.value.csrfToken,
    load,
    signIn: async (username, password) => {
      const post = () => fetchClient().send<unknown>("POST", SESSION_URL, { username, password });
      if (!state.value.csrfToken) await load();
      try {
        return set(await post());
      } catch (e) {
        if (!(e instanceof ApiError && e.code === "CSRF_FAILED")) throw e;
        await load(); // the cookie expired or was dropped: a new token, then once more
        return set(await post());
      }
    },
    signOut: async () => set(await fetchClient().send<unknown>("DELETE", SESSION_URL)),
  };
}
