"""Reporters render a Report; none of them decides anything."""
