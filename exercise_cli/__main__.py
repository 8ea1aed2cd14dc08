from __future__ import annotations

from exercise_cli.app import main

main()
