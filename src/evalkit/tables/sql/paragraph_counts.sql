-- Report 000 appendix table 1: distinct citizens with a course in the period, by the course's paragraph.
WITH citizens AS (
    -- one row per citizen, saying which paragraphs their courses had
    SELECT scope, citizen, bool_or(paragraph = '82a') AS had_82a, bool_or(paragraph = '82b') AS had_82b
    FROM period_courses
    GROUP BY scope, citizen
)
SELECT scope,
       count(citizen) FILTER (WHERE had_82a) AS citizens_82a,
       count(citizen) FILTER (WHERE had_82b) AS citizens_82b,
       count(citizen) AS citizens
FROM citizens
GROUP BY scope
