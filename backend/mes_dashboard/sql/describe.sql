-- Columns of any object, described by the driver without reading a row (for check-source)
SELECT * FROM {object} WHERE 1 = 0
