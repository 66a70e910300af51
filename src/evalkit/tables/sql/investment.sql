-- investment = sum of staff hours x hourly cost, over the months that overlap the period (whole months: the
-- registration is monthly).
SELECT scope,
       exact_sum(hours) AS staff_hours,
       exact_sum(hours * hourly_cost_dkk) AS investment_dkk,
       count(DISTINCT month) AS months
FROM staff_hours
WHERE month <= period_end() AND last_day(month) >= period_start()
GROUP BY scope
