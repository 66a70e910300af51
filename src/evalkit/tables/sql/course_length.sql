-- course length = end_date - start_date in days, over ended courses.
WITH lengths AS (
    SELECT scope, date_diff('day', start_date, end_date) AS days FROM ended_courses
)
SELECT scope,
       count(*) AS ended,
       avg(days) AS mean_days,
       -- the mean of the two middle lengths when their number is even
       quantile_cont(days, 0.5) AS median_days,
       count(*) FILTER (WHERE days <= 30) AS d0_30,
       count(*) FILTER (WHERE days BETWEEN 31 AND 91) AS d31_91,
       count(*) FILTER (WHERE days BETWEEN 92 AND 183) AS d92_183,
       count(*) FILTER (WHERE days > 183) AS d184_plus
FROM lengths
GROUP BY scope
