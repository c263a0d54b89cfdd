-- Shift status history for whole days [start_day, end_day], binds are 'YYYY-MM-DD' strings
SELECT HISTORYID, TXNDATE, OLDSTATUSNAME, HOURS
FROM {object}
WHERE TXNDATE >= TO_DATE(:start_day, 'YYYY-MM-DD')
  AND TXNDATE < TO_DATE(:end_day, 'YYYY-MM-DD') + 1
