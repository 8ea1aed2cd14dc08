"""The warm grading server that outlives one `exercise check` (see daemon.py)."""
