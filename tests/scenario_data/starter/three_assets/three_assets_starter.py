"""Three producers and a consumer on their three Assets."""

from airflow.sdk import Asset, dag, task  # noqa: F401

# TODO: three producers, each updating its Asset; a consumer scheduled on all three.
