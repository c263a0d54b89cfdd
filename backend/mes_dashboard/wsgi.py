"""WSGI entry point for gunicorn: `mes_dashboard.wsgi:app` (created in each worker)."""

from mes_dashboard.app import create_app

app = create_app()
