-- Equipment master, production machines only (about 3k of 91k rows: the rest are carriers and
-- tools). The kinds are served by the OBJECTCATEGORY+OBJECTTYPE index; {excluded_locations}
-- becomes NOT IN lists of binds, at most 1000 each, or nothing when no location is excluded.
SELECT *
FROM {object}
WHERE ((OBJECTCATEGORY = :category_1 AND OBJECTTYPE = :type_1)
    OR (OBJECTCATEGORY = :category_2 AND OBJECTTYPE = :type_2))
  AND WORKCENTERNAME IS NOT NULL
  AND (PJ_ASSETSSTATUS IS NULL OR PJ_ASSETSSTATUS <> 'Disapproved')
  {excluded_locations}
