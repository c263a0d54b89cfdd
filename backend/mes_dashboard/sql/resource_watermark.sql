-- Last change of the equipment master: the refresher refetches it only when it moved
SELECT MAX(LASTCHANGEDATE) AS WATERMARK FROM {object}
