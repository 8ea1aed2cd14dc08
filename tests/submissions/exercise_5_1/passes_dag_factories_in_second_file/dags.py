"""Legitimate: the Asset here, the DAGs made by factories in a second file of the DAG folder."""
from airflow.sdk import Asset

from factories import make_consumer, make_producer

processed_data = Asset("s3://data-lake/processed_data")

producer = make_producer(processed_data)
consumer = make_consumer(processed_data)
