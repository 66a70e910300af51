-- The business case's result (contract section 7), per scenario, municipality and payer: C, G, NPV, the
-- benefit-cost ratio, payback and discounted payback in months, the switching values and the bootstrap's 2.5 and
-- 97.5 percentiles of G, NPV and payback. Computed in Python with the yearly rows (see business_case.sql).
SELECT kommunekode, scenario, payer, investment_dkk, annual_gain_dkk, npv_dkk, benefit_cost_ratio, payback_months,
       discounted_payback_months, switching_deadweight, min_effect_years, gain_ci_low, gain_ci_high, npv_ci_low,
       npv_ci_high, payback_ci_low, payback_ci_high, shadow_visited, actually_visited
FROM business_case_summaries
ORDER BY pos
