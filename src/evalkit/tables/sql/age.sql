-- Age on the ended course's end date. Only the birth year is registered, so the age is the one the citizen
-- reaches in the end date's calendar year (at most one year too old).
WITH aged AS (
    SELECT scope, citizen,
           year(end_date) - birth_year AS age,
           -- a citizen is counted once, in the band of their latest ended course
           row_number() OVER (PARTITION BY scope, citizen ORDER BY end_date DESC, course_id DESC) = 1 AS latest
    FROM ended_courses
),
banded AS (
    SELECT scope, citizen, latest,
           CASE WHEN age IS NULL OR age < 0 THEN 'unknown'
                WHEN age < 18 THEN 'under_18'
                WHEN age < 30 THEN '18_29'
                WHEN age < 40 THEN '30_39'
                WHEN age < 50 THEN '40_49'
                WHEN age < 60 THEN '50_59'
                ELSE '60_plus' END AS age_band
    FROM aged
)
SELECT scope, age_band,
       count(*) FILTER (WHERE latest) AS citizens,
       count(*) AS courses
FROM banded
GROUP BY scope, age_band
