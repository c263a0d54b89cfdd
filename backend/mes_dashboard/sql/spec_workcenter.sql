-- Workcenter -> group mapping
SELECT * FROM {object}
