-- WIP lots: the whole view, raw columns (the snapshot builder normalizes and derives)
SELECT * FROM {object}
