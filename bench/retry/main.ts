/**
 * The retry swarm page (testkit/retry_swarm.py builds and serves it): `window.runSwarm(n, url)`
 * starts n independent clients of the real fetch client, each fetching `url?client=i` once, and
 * resolves to each client's attempt count.
 */
import { createFetchClient } from "../../frontend/src/net/fetch-client";

declare global {
  interface Window {
    runSwarm(clients: number, url: string): Promise<number[]>;
  }
}

window.runSwarm = async (clients, url) => {
  const fetches = Array.from({ length: clients }, (_, i) => createFetchClient().getBytes(`${url}?client=${i}`));
  return (await Promise.all(fetches)).map((result) => result.attempts);
};
