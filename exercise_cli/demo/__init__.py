"""`run-demo`: a minimal real Airflow (api-server + scheduler) showing the pattern live."""
