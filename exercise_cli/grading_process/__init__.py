"""The trusted grading process: owns the metadata DB, the Execution API, the checks and the results; runs no learner code."""
