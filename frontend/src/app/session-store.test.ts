import { describe, expect, it } from "vitest";
import { createFetchClient, type FetchClient } from "../net/fetch-client";
import { ANONYMOUS, createSessionStore, parseSession } from "./session-store";

/** A tiny server double of /api/v1/session: a CSRF token per session, one admin. */
function sessionServer() {
  let csrf = "t0";
  let user: string | null = null;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": status < 400 ? "application/json" : "application/problem+json" },
    });
  const whoami = () => ({
    authenticated: user !== null,
    username: user,
    role: user ? "admin" : undefined,
    csrf_token: csrf,
  });
  const fetch = (async (_url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    if (method === "GET") return json(200, whoami());
    if ((init.headers as Record<string, string>)["X-CSRF-Token"] !== csrf)
      return json(403, { code: "CSRF_FAILED", retryable: false });
    if (method === "DELETE") {
      user = null;
      csrf = "t2";
      return json(200, whoami());
    }
    const body = JSON.parse(String(init.body)) as { username: string; password: string };
    if (body.password !== "right") return json(401, { code: "SIGN_IN_FAILED", retryable: false });
    user = body.username;
    csrf = "t1";
    return json(200, whoami());
  }) as typeof globalThis.fetch;
  return {
    fetch,
    expire: () => {
      csrf = "fresh";
    },
  };
}

function store(server: ReturnType<typeof sessionServer>) {
  let client: FetchClient | null = null;
  const session = createSessionStore(() => client as FetchClient);
  client = createFetchClient({ fetch: server.fetch, csrfToken: () => session.csrfToken() });
  return session;
}

describe("session store", () => {
  it("parses the server's answer defensively", () => {
    expect(parseSession(null)).toEqual(ANONYMOUS);
    expect(parseSession({ authenticated: false, role: "admin", csrf_token: "x" })).toEqual({
      authenticated: false,
      username: null,
      role: null,
      csrfToken: "x",
    });
  });

  it("signs in with the session's CSRF token, rotates it, and signs out", async () => {
    const session = store(sessionServer());
    await session.load();
    expect(session.csrfToken()).toBe("t0");
    await expect(session.signIn("ops", "wrong")).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
    expect(session.isAdmin()).toBe(false);
    const state = await session.signIn("ops", "right");
    expect(state).toEqual({ authenticated: true, username: "ops", role: "admin", csrfToken: "t1" });
    expect(session.isAdmin()).toBe(true);
    await session.signOut();
    expect(session.state.value).toMatchObject({ authenticated: false, csrfToken: "t2" });
  });

  it("fetches a new token once when the old one is refused", async () => {
    const server = sessionServer();
    const session = store(server);
    await session.load();
    server.expire();
    expect((await session.signIn("ops", "right")).authenticated).toBe(true);
  });
});
