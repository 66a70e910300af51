-- Report 001 section 5.1, over the ended courses: shadow cost of the shadow-visited against the actual cost
-- of the services that made citizens later visited. Unpriced rows count as visited but add nothing to a sum;
-- they are listed in unpriced.csv and counted here.
WITH ended AS (
    SELECT scope, count(*) AS ended, count(DISTINCT citizen) AS ended_citizens
    FROM ended_courses
    GROUP BY scope
),
shadow AS (
    SELECT scope,
           count(DISTINCT citizen) AS shadow_visited,
           coalesce(exact_sum(annual_cost_dkk), 0) AS shadow_cost_dkk,
           count(*) FILTER (WHERE unpriced_reason IS NOT NULL) AS unpriced_rows
    FROM priced_rows
    WHERE table_name = 'shadow'
    GROUP BY scope
),
actual AS (
    SELECT scope,
           coalesce(exact_sum(annual_cost_dkk), 0) AS actual_cost_dkk,
           count(*) FILTER (WHERE unpriced_reason IS NOT NULL) AS unpriced_rows
    FROM priced_rows
    WHERE table_name = 'services'
    GROUP BY scope
),
visited AS (
    SELECT scope, count(*) AS actually_visited FROM later_visited_citizens GROUP BY scope
)
SELECT e.scope, e.ended, e.ended_citizens,
       coalesce(s.shadow_visited, 0) AS shadow_visited,
       coalesce(s.shadow_cost_dkk, 0) AS shadow_cost_dkk,
       coalesce(v.actually_visited, 0) AS actually_visited,
       coalesce(a.actual_cost_dkk, 0) AS actual_cost_dkk,
       coalesce(s.shadow_cost_dkk, 0) - coalesce(a.actual_cost_dkk, 0) AS annual_gain_dkk,
       coalesce(s.unpriced_rows, 0) + coalesce(a.unpriced_rows, 0) AS unpriced_rows
FROM ended AS e
LEFT JOIN shadow AS s USING (scope)
LEFT JOIN actual AS a USING (scope)
LEFT JOIN visited AS v USING (scope)
