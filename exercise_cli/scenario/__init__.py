"""The exercise's scenario (register, run producers, the scheduler's asset triggers, run consumers, the
Assets view), walked by one engine (engine.py) against a backend: the grading process's own metadata DB
and scheduler code (local.py) or a deployment's REST API (rest.py). Runs in the grading process."""
