"""HTTP layer: blueprints built from explicitly passed services."""
