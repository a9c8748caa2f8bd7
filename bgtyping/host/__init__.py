"""What the host provides a run: the controlled environment, target interpreters, checker processes."""
