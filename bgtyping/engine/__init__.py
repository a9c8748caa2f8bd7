"""Running: targets, staging, one checker run per key, health checks and judging, all in parallel."""
