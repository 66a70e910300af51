-- The business case year by year (contract section 7), per scenario, municipality, payer and year t = 0 .. H:
-- C in year 0, B_t = G (1 - deadweight) (1 - decay)^(t - 1) while t <= effect_years, N_t, D_t and their sums.
-- Computed in Python (evalkit.tables.business_case_report: discounting and the bootstrap are array arithmetic)
-- from the per-citizen inputs of business_case_citizens.sql and the investment of investment.sql; this query
-- returns its rows in their order.
SELECT kommunekode, scenario, payer, year, investment_dkk, gain_dkk, net_dkk, cumulative_net_dkk, discount_factor,
       discounted_net_dkk, cumulative_discounted_dkk, shadow_visited, actually_visited
FROM business_case_years
ORDER BY pos
