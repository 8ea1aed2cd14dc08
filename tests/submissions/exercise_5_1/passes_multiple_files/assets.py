from airflow.sdk import Asset

processed_data = Asset("s3://data-lake/processed_data")
