-- Snapshot time of the WIP view: the refresher rebuilds only when it moved
SELECT MAX(SYS_DATE) AS WATERMARK FROM {object}
