-- Report 003 table 3-1: distinct citizens at each configured step of the report's programme, counting
-- milestones dated up to the period's end (a step may be dated before the period starts).
-- funnel_steps(step, step_order) holds the configured steps, 1 = first; it is empty for a report without a funnel.
-- Each citizen's steps are ordered once, on the municipality's rows, then counted for both of its scopes.
WITH reached AS (
    SELECT m.kommunekode, m.citizen, f.step, f.step_order, m.date
    FROM milestones AS m
    JOIN funnel_steps AS f ON f.step = m.step
    WHERE m.scope <> 'all' AND m.programme = funnel_programme() AND m.date <= period_end()
),
ordered AS (
    SELECT *,
           -- one milestone per citizen and step (the table's key), so this equals step_order exactly when
           -- the citizen reached every earlier step as well
           count(*) OVER w AS steps_so_far,
           lag(step_order) OVER w AS previous_order,
           lag(date) OVER w AS previous_date
    FROM reached
    WINDOW w AS (PARTITION BY citizen ORDER BY step_order)
)
SELECT s.scope, funnel_programme() AS programme, step, step_order,
       count(*) AS citizens,
       count(*) FILTER (WHERE steps_so_far = step_order) AS citizens_through,
       count(*) FILTER (WHERE previous_order = step_order - 1) AS citizens_with_previous,
       avg(date_diff('day', previous_date, date)) FILTER (WHERE previous_order = step_order - 1)
           AS mean_days_from_previous
FROM ordered
JOIN scope_members AS s USING (kommunekode)
GROUP BY s.scope, step, step_order
