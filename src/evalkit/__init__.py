"""evalkit: evaluation data analysis for short, non-referred § 82 interventions in Danish municipalities."""

__version__ = "0.1.0"
