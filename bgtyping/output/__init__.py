"""Outputs: the terminal, CI (JUnit, annotations, step summary), results files and the report."""
