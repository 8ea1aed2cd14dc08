from exercise_cli.checks import quiz
from hand_built import ran


def test_pending_until_the_quiz_is_passed() -> None:
    sub = ran()
    assert quiz.check(sub).status == "pending"
    sub.quiz_passed = True
    assert quiz.check(sub).status == "passed"
