"""The demo source: a generated SQLite plant, the simulator that moves it, and its reader."""
