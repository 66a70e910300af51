-- The rows the shadow_savings sums had to leave out because nothing prices them, one line per row.
SELECT kommunekode, table_name, row_id, paragraph, hours_per_week, unpriced_reason AS reason
FROM priced_rows
WHERE scope <> 'all' AND unpriced_reason IS NOT NULL
ORDER BY kommunekode, table_name, row_id
