-- § 85 housing support per delivered month up to the period's end (report 000 table 5 runs from 2018), and
-- month 'all' for the sum over those months (its `citizens` are citizen-months: monthly counts added up).
-- A delivered month with an empty cell keeps it empty for the municipality; the `all` row adds what there is.
SELECT scope,
       CASE WHEN grouping(month) = 1 THEN 'all' ELSE strftime(month, '%Y-%m') END AS month,
       exact_sum(hours) AS hours,
       CAST(sum(citizens) AS BIGINT) AS citizens,
       exact_sum(amount_dkk) AS amount_dkk
FROM housing_support
WHERE month <= period_end()
GROUP BY GROUPING SETS ((scope, month), (scope))
