"""The course's one list of phases, in a module of its own so that whoever only names a phase (the CLI
reading a progress line) does not import the schema's pydantic models with it."""

# The scenario's steps as the progress shows them (Exercise.phase), and "parse", the DAG files' import.
# A check's `phase` is the one whose stop (a timeout, a crash) fails it.
PHASES = ("parse", "register", "producer_run", "consumer_run", "scheduler", "assets_view")
