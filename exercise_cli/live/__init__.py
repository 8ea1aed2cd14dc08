"""`check --live`: the same checks, decided from what a running Airflow deployment reports through REST API v2."""
