-- Report 000 appendix table 1: distinct citizens with a course in the period, by the course's paragraph.
SELECT scope,
       count(DISTINCT citizen) FILTER (WHERE paragraph = '82a') AS citizens_82a,
       count(DISTINCT citizen) FILTER (WHERE paragraph = '82b') AS citizens_82b,
       count(DISTINCT citizen) AS citizens
FROM period_courses
GROUP BY scope
