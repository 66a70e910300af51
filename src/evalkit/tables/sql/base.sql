-- Shared definitions (contract section 4), created once per report; every family query of the report reads them.
-- They read the scoped views that evalkit.tables.compute makes: every warehouse row of the report's municipalities
-- appears twice, with `scope` = its own kommunekode and with `scope` = 'all', and rows that name a citizen carry
-- `citizen` = kommunekode|citizen_key. Grouping by scope therefore gives the municipalities and the report's
-- total in one pass, and joining on (scope, citizen) never matches citizens across municipalities.
-- A query with heavy work per citizen (completion, funnel) does it once, on the municipality's rows
-- (scope <> 'all'), and joins the result to scope_members (kommunekode -> its own scope and 'all') to count it:
-- the same counts for half the work.
-- period_start(), period_end(), follow_up_until() and price_year_limit() are macros set for the report.
-- ended_courses and course_services are tables: most families read them, and computing them once per report is
-- faster than once per query. The rest are views: each is read once or is cheaper to recompute than to store.

-- A course is in the period when it overlaps it.
CREATE OR REPLACE TEMP MACRO in_period(start_date, end_date) AS
    start_date <= period_end() AND (end_date IS NULL OR end_date >= period_start());

CREATE OR REPLACE TEMP VIEW period_courses AS
SELECT * FROM courses WHERE in_period(start_date, end_date);

-- ended: start_date <= end_date, end_date within the period (both days inclusive).
CREATE OR REPLACE TEMP TABLE ended_courses AS
SELECT * FROM courses
WHERE start_date <= end_date AND end_date BETWEEN period_start() AND period_end();

-- Every (ended course, service of the same citizen in the same municipality) pair, timed against that course:
-- before/during when the service starts on or before the course's end date, after when it starts later but no
-- later than follow_up_until; NULL (counted nowhere) when it starts after follow_up_until.
CREATE OR REPLACE TEMP TABLE course_services AS
SELECT c.scope, c.kommunekode, c.citizen, c.course_id, s.service_id, s.paragraph,
       CASE WHEN s.start_date <= c.end_date THEN 'before_during'
            WHEN s.start_date <= follow_up_until() THEN 'after' END AS timing
FROM ended_courses AS c
JOIN services AS s ON s.scope = c.scope AND s.citizen = c.citizen;

-- later visited: citizens with an ended course and a service after it (as above).
CREATE OR REPLACE TEMP VIEW later_visited_citizens AS
SELECT DISTINCT scope, citizen FROM course_services WHERE timing = 'after';

-- The services that made a citizen later visited, each once however many of the citizen's courses it follows.
CREATE OR REPLACE TEMP VIEW later_services AS
SELECT s.* FROM services AS s
WHERE EXISTS (
    SELECT 1 FROM course_services AS cs
    WHERE cs.timing = 'after' AND cs.scope = s.scope AND cs.kommunekode = s.kommunekode
      AND cs.service_id = s.service_id
);

-- The catalogue price in force for the report: per paragraph and unit, the latest price_year not after the
-- year the period ends in (unit_costs holds no duplicate (paragraph, unit, price_year): the loader refuses them).
CREATE OR REPLACE TEMP VIEW unit_prices AS
SELECT paragraph, unit, arg_max(price_dkk, price_year) AS price_dkk
FROM unit_costs
WHERE price_year <= price_year_limit()
GROUP BY paragraph, unit;

-- Every row whose annual cost enters a sum: the shadow rows of ended courses that name a service (`none` rows
-- are no shadow visitation and carry no cost), and the later services.
CREATE OR REPLACE TEMP VIEW costed_rows AS
SELECT 'shadow' AS table_name, sh.scope, sh.kommunekode, sh.course_id AS row_id, c.citizen,
       sh.shadow_paragraph AS paragraph, sh.shadow_hours_per_week AS hours_per_week,
       sh.shadow_annual_cost_dkk AS own_cost_dkk
FROM shadow AS sh
JOIN ended_courses AS c ON c.scope = sh.scope AND c.kommunekode = sh.kommunekode AND c.course_id = sh.course_id
WHERE sh.shadow_paragraph <> 'none'
UNION ALL
SELECT 'services', scope, kommunekode, service_id, citizen, paragraph, hours_per_week, annual_cost_dkk
FROM later_services;

-- annual cost: the row's own cost; else hours per week x 52 x the hourly price; else the yearly price.
-- A row none of these prices is unpriced: it keeps a NULL cost (sums skip it) and says why.
CREATE OR REPLACE TEMP VIEW priced_rows AS
WITH joined AS (
    SELECT r.*, h.price_dkk AS hourly_price_dkk, y.price_dkk AS yearly_price_dkk
    FROM costed_rows AS r
    LEFT JOIN unit_prices AS h ON h.paragraph = r.paragraph AND h.unit = 'hour'
    LEFT JOIN unit_prices AS y ON y.paragraph = r.paragraph AND y.unit = 'year'
)
SELECT *,
       coalesce(own_cost_dkk, hours_per_week * 52 * hourly_price_dkk, yearly_price_dkk) AS annual_cost_dkk,
       CASE WHEN coalesce(own_cost_dkk, hours_per_week * 52 * hourly_price_dkk, yearly_price_dkk) IS NOT NULL
                THEN NULL
            WHEN hourly_price_dkk IS NOT NULL THEN 'no_hours_per_week_for_hourly_price'
            ELSE 'no_catalogue_price' END AS unpriced_reason
FROM joined;
