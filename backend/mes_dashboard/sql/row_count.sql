-- Rows of a small object (lot view, master, status, mapping; never the shift history)
SELECT COUNT(*) AS ROW_COUNT FROM {object}
