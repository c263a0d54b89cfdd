"""Playwright browser tests of the real pages served by gunicorn on a demo database."""
