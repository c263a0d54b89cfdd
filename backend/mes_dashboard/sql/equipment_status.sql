-- Real-time equipment status: one row per equipment x tracked-in lot
SELECT * FROM {object}
