"""Data sources: the demo SQLite database and the Oracle data warehouse."""
