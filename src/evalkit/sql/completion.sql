-- completion rate = completed / ended courses; and which citizens had what kind of course in the period.
WITH flagged AS (
    SELECT p.*,
           -- returning: the course started after another course of the citizen had ended
           EXISTS (
               SELECT 1 FROM courses AS o
               WHERE o.scope = p.scope AND o.citizen = p.citizen AND o.end_date < p.start_date
           ) AS is_returning
    FROM period_courses AS p
),
in_period AS (
    SELECT scope,
           count(DISTINCT citizen) AS citizens_with_course,
           count(DISTINCT citizen) FILTER (WHERE is_returning) AS returning_citizens,
           count(DISTINCT citizen) FILTER (WHERE format = 'adhoc') AS adhoc_citizens,
           count(DISTINCT citizen) FILTER (WHERE format = 'group') AS group_citizens,
           count(DISTINCT citizen) FILTER (WHERE format = 'individual') AS individual_citizens
    FROM flagged
    GROUP BY scope
),
ended AS (
    SELECT scope,
           count(*) AS ended,
           count(*) FILTER (WHERE end_reason = 'completed') AS completed,
           count(DISTINCT citizen) AS ended_citizens
    FROM ended_courses
    GROUP BY scope
),
first_course AS (
    -- when the municipality's § 82 offer started (report 000 tables 5): over every delivered course
    SELECT scope, min(start_date) AS first_course_start FROM courses GROUP BY scope
)
SELECT scope,
       coalesce(e.ended, 0) AS ended,
       coalesce(e.completed, 0) AS completed,
       coalesce(i.citizens_with_course, 0) AS citizens_with_course,
       coalesce(e.ended_citizens, 0) AS ended_citizens,
       coalesce(i.citizens_with_course, 0) - coalesce(e.ended_citizens, 0) AS active_citizens,
       coalesce(i.returning_citizens, 0) AS returning_citizens,
       coalesce(i.adhoc_citizens, 0) AS adhoc_citizens,
       coalesce(i.group_citizens, 0) AS group_citizens,
       coalesce(i.individual_citizens, 0) AS individual_citizens,
       f.first_course_start
-- every ended course is in the period and every course is in first_course
FROM first_course AS f
LEFT JOIN in_period AS i USING (scope)
LEFT JOIN ended AS e USING (scope)
