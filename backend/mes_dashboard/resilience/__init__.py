"""Resilience: how database failures are classified and the policies that act on them."""
