-- Hours per machine, production day and status for the days [:start_day, :end_day] (DATE binds),
-- summed in the database: the TXNDATE index serves the range, the HISTORYID index the semi-join.
-- Production machines only: the master filter of resource.sql, narrowed by {families},
-- {workcenter_groups} (through the workcenter mapping) and {flags}; each list becomes IN lists
-- of binds, at most 1000 each, or nothing.
SELECT h.HISTORYID, h.TXNDATE, h.OLDSTATUSNAME, SUM(h.HOURS) AS HOURS
FROM {object} h
WHERE h.TXNDATE >= :start_day
  AND h.TXNDATE < :end_day + 1
  AND h.HISTORYID IN (
    SELECT m.RESOURCEID
    FROM {resource_object} m
    WHERE ((m.OBJECTCATEGORY = :category_1 AND m.OBJECTTYPE = :type_1)
        OR (m.OBJECTCATEGORY = :category_2 AND m.OBJECTTYPE = :type_2))
      AND m.WORKCENTERNAME IS NOT NULL
      AND (m.PJ_ASSETSSTATUS IS NULL OR m.PJ_ASSETSSTATUS <> 'Disapproved')
      {excluded_locations}
      {families}
      {flags}
      {workcenter_groups}
  )
GROUP BY h.HISTORYID, h.TXNDATE, h.OLDSTATUSNAME
