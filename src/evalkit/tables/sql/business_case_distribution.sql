-- The bootstrap distribution of the business case's NPV, per scenario with resamples and municipality, for the
-- public budget as a whole: the NPV at every 2.5th percentile (0, 2.5, ..., 100) of the resamples, computed as
-- the interval's bounds are (the 2.5th and the 97.5th are npv_ci_low and npv_ci_high); quantiles, never a
-- resample's own row. Computed in Python with the yearly rows (see business_case.sql).
SELECT kommunekode, scenario, percentile, npv_dkk, shadow_visited, actually_visited
FROM business_case_distributions
ORDER BY pos
