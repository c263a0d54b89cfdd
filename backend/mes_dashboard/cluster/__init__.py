"""Redis plumbing for all workers: the link, the leader lock, the snapshot store, counters."""
