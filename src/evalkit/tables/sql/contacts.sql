-- Contacts (events, not persons) dated within the period, by source; source 'all' is the municipality's total.
SELECT scope,
       CASE WHEN grouping(source) = 1 THEN 'all' ELSE source END AS source,
       count(*) AS contacts
FROM contacts
WHERE date BETWEEN period_start() AND period_end()
GROUP BY GROUPING SETS ((scope, source), (scope))
