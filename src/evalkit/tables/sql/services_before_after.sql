-- Appendix table 4: per service paragraph, (ended course, service) pairs before/during and after the course,
-- so a service counts once per course; paragraph 'all' totals the paragraphs.
SELECT scope,
       CASE WHEN grouping(paragraph) = 1 THEN 'all' ELSE paragraph END AS paragraph,
       count(*) FILTER (WHERE timing = 'before_during') AS before_during,
       count(*) FILTER (WHERE timing = 'after') AS "after",
       count(DISTINCT citizen) FILTER (WHERE timing = 'before_during') AS citizens_before_during,
       count(DISTINCT citizen) FILTER (WHERE timing = 'after') AS citizens_after
FROM course_services
WHERE timing IS NOT NULL
GROUP BY GROUPING SETS ((scope, paragraph), (scope))
