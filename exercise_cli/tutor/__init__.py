"""The tutor: the learner's folder and progress, hints, the quiz, watch."""
