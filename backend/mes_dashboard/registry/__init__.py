"""The page registry: navigation drawers and page status, stored as one JSON file."""
