import sys

from airflow.sdk import dag

sys.exit(3)
