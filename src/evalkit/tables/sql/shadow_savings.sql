-- Report 001 section 5.1, over the ended courses: shadow cost of the shadow-visited against the actual cost
-- of the services that made citizens later visited. Unpriced rows count as visited but add nothing to a sum;
-- they are listed in unpriced.csv and counted here.
-- The gain only where it was measured (contract section 7): a municipality where no ended course has a shadow row
-- (a `none` row counts: it is a judgement) did not register shadow visitation, so its shadow cost and gain are
-- empty, not 0 - actual cost; `all` gains over the municipalities that registered it (measured_actual_cost_dkk).
WITH ended AS (
    SELECT scope, count(*) AS ended, count(DISTINCT citizen) AS ended_citizens
    FROM ended_courses
    GROUP BY scope
),
registered AS (
    SELECT DISTINCT c.kommunekode
    FROM ended_courses AS c
    JOIN shadow AS sh ON sh.scope = c.scope AND sh.kommunekode = c.kommunekode AND sh.course_id = c.course_id
    WHERE c.scope <> 'all'
),
registered_scopes AS (
    SELECT m.scope, count(*) AS shadow_municipalities
    FROM scope_members AS m
    JOIN registered USING (kommunekode)
    GROUP BY m.scope
),
shadow_costs AS (
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
           coalesce(exact_sum(CASE WHEN kommunekode IN (SELECT kommunekode FROM registered) THEN annual_cost_dkk END), 0)
               AS measured_actual_cost_dkk,
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
       CASE WHEN g.scope IS NOT NULL THEN coalesce(s.shadow_cost_dkk, 0) END AS shadow_cost_dkk,
       coalesce(v.actually_visited, 0) AS actually_visited,
       coalesce(a.actual_cost_dkk, 0) AS actual_cost_dkk,
       CASE WHEN g.scope IS NOT NULL THEN coalesce(a.measured_actual_cost_dkk, 0) END AS measured_actual_cost_dkk,
       CASE WHEN g.scope IS NOT NULL THEN coalesce(s.shadow_cost_dkk, 0) - coalesce(a.measured_actual_cost_dkk, 0)
            END AS annual_gain_dkk,
       coalesce(g.shadow_municipalities, 0) AS shadow_municipalities,
       coalesce(s.unpriced_rows, 0) + coalesce(a.unpriced_rows, 0) AS unpriced_rows
FROM ended AS e
LEFT JOIN registered_scopes AS g USING (scope)
LEFT JOIN shadow_costs AS s USING (scope)
LEFT JOIN actual AS a USING (scope)
LEFT JOIN visited AS v USING (scope)
