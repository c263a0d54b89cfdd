"""The soak's users: browsers polling both snapshots with If-None-Match, and the catalogue."""

from __future__ import annotations

from locust import HttpUser, between, task

SNAPSHOTS = ("/api/v1/datasets/wip", "/api/v1/datasets/resource")


class Browser(HttpUser):
    """One open dashboard: revalidates its snapshots, now and then reads the catalogue."""

    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        self.etags: dict[str, str] = {}

    @task(4)
    def snapshot(self) -> None:
        for path in SNAPSHOTS:
            headers = {"Accept-Encoding": "zstd, gzip"}
            if path in self.etags:
                headers["If-None-Match"] = self.etags[path]
            with self.client.get(path, headers=headers, catch_response=True) as resp:
                if resp.status_code in (200, 304):
                    self.etags[path] = resp.headers.get("ETag", self.etags.get(path, ""))
                    resp.success()

    @task(1)
    def catalogue(self) -> None:
        self.client.get("/api/v1/datasets")
