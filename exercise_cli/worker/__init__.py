"""The grading child process: it imports Airflow and the learner's code, so the CLI never does."""
