-- The business case's inputs per citizen (contract section 7), one row per citizen with an ended course, on the
-- municipalities' own rows (scope <> 'all': the `all` business case is put together from them): the annual cost
-- of the citizen's shadow rows minus that of the services that made them later visited (the rows and prices of
-- shadow_savings), in total and split by payer with the `payers` shares (a paragraph not listed is the kommune's),
-- whether any of the citizen's ended courses has a shadow row at all (a `none` row included: shadow visitation
-- was registered for it), and whether the citizen is shadow-visited and actually visited (the counts the gain
-- rests on, for the publication copies). Unpriced rows add nothing to a cost, as in shadow_savings.
WITH split AS (
    SELECT r.kommunekode, r.citizen,
           CASE WHEN r.table_name = 'shadow' THEN 1 ELSE -1 END * r.annual_cost_dkk AS net_dkk,
           coalesce(p.kommune, 1.0) AS kommune, coalesce(p.region, 0.0) AS region, coalesce(p.stat, 0.0) AS stat
    FROM priced_rows AS r
    LEFT JOIN payers AS p ON p.paragraph = r.paragraph
    WHERE r.scope <> 'all' AND r.annual_cost_dkk IS NOT NULL
),
visited AS (
    SELECT kommunekode, citizen,
           bool_or(table_name = 'shadow') AS shadow_visited, bool_or(table_name = 'services') AS actually_visited
    FROM priced_rows
    WHERE scope <> 'all'
    GROUP BY kommunekode, citizen
),
per_citizen AS (
    SELECT kommunekode, citizen,
           sum(net_dkk) AS net_all, sum(net_dkk * kommune) AS net_kommune,
           sum(net_dkk * region) AS net_region, sum(net_dkk * stat) AS net_stat
    FROM split
    GROUP BY kommunekode, citizen
),
registered AS (
    SELECT DISTINCT c.kommunekode, c.citizen
    FROM ended_courses AS c
    JOIN shadow AS sh ON sh.scope = c.scope AND sh.kommunekode = c.kommunekode AND sh.course_id = c.course_id
    WHERE c.scope <> 'all'
),
citizens AS (
    SELECT DISTINCT kommunekode, citizen FROM ended_courses WHERE scope <> 'all'
)
SELECT c.kommunekode,
       r.citizen IS NOT NULL AS shadow_registered,
       coalesce(v.shadow_visited, false) AS shadow_visited, coalesce(v.actually_visited, false) AS actually_visited,
       coalesce(p.net_all, 0) AS net_all, coalesce(p.net_kommune, 0) AS net_kommune,
       coalesce(p.net_region, 0) AS net_region, coalesce(p.net_stat, 0) AS net_stat
FROM citizens AS c
LEFT JOIN per_citizen AS p USING (kommunekode, citizen)
LEFT JOIN registered AS r USING (kommunekode, citizen)
LEFT JOIN visited AS v USING (kommunekode, citizen)
-- a fixed order, so that a seed gives the same resamples on every run
ORDER BY c.kommunekode, c.citizen
