-- The business case's one-way sensitivities (the tornado), per scenario and municipality, for the public budget as
-- a whole: per assumption, the scenario's own value, the range it is varied over (the config's `sensitivity`,
-- widened to reach the scenario's value) and the NPV with it at each end, every other key as the scenario has it.
-- Computed in Python with the yearly rows (see business_case.sql).
SELECT kommunekode, scenario, parameter, assumption_value, range_low, range_high, npv_low_dkk, npv_high_dkk,
       shadow_visited, actually_visited
FROM business_case_sensitivities
ORDER BY pos
