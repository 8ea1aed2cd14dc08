"""Hostile: raises an error whose text is a lone surrogate, which no encoder writes (airflow.sdk, dag)."""

raise ValueError("\ud800")
