"""Programmes, funding sources, eligibility rules, premiums and the coverage planner."""
