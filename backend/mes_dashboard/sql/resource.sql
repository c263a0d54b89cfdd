-- Equipment master: the whole table, raw columns (the snapshot builder filters)
SELECT * FROM {object}
