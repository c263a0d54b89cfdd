"""MES real-time dashboard backend: Arrow snapshots of the factory's WIP and equipment."""
