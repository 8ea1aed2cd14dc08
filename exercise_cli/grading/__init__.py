"""The CLI side of local grading: find and copy a submission, start the trusted grading process and bound it."""
