"""Publication copies of the figure tables (results/publish/, results/tables.xlsx): what may leave the evaluators."""
