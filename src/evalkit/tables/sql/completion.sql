-- completion rate = completed / ended courses; and which citizens had what kind of course in the period.
WITH citizens AS (
    -- one row per citizen with a course in the period, in one pass over all their courses (on the
    -- municipality's rows, then counted for both scopes): which kinds of course they had in the period, and
    -- whether one of those started after any course of theirs had ended
    SELECT kommunekode, citizen,
           max(start_date) FILTER (WHERE in_period(start_date, end_date)) > min(end_date) AS is_returning,
           bool_or(in_period(start_date, end_date) AND format = 'adhoc') AS had_adhoc,
           bool_or(in_period(start_date, end_date) AND format = 'group') AS had_group,
           bool_or(in_period(start_date, end_date) AND format = 'individual') AS had_individual
    FROM courses
    WHERE scope <> 'all'
    GROUP BY kommunekode, citizen
    HAVING bool_or(in_period(start_date, end_date))
),
in_period AS (
    SELECT s.scope,
           count(citizen) AS citizens_with_course,
           count(citizen) FILTER (WHERE is_returning) AS returning_citizens,
           count(citizen) FILTER (WHERE had_adhoc) AS adhoc_citizens,
           count(citizen) FILTER (WHERE had_group) AS group_citizens,
           count(citizen) FILTER (WHERE had_individual) AS individual_citizens
    FROM citizens
    JOIN scope_members AS s USING (kommunekode)
    GROUP BY s.scope
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
