"""Grading where courses already run: a Gradescope autograder zip and a GitHub Classroom repository.

Both carry this grader as a wheel with the pinned constraints, so the platform installs exactly
what was tested, and both grade with the sandbox required.
"""
