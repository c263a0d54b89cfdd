-- Last change of the production machines: the refresher refetches the master only when it moved.
-- LASTCHANGEDATE has no index; restricted to the machine kinds, the OBJECTCATEGORY+OBJECTTYPE
-- index reads about 3k rows instead of a full scan of the 91k-row master every cycle. The other
-- filters are left out on purpose: a machine leaving them (disapproved, moved to an excluded
-- location) still moves this maximum, so the master is refetched and the machine drops out.
SELECT MAX(LASTCHANGEDATE) AS WATERMARK
FROM {object}
WHERE (OBJECTCATEGORY = :category_1 AND OBJECTTYPE = :type_1)
   OR (OBJECTCATEGORY = :category_2 AND OBJECTTYPE = :type_2)
