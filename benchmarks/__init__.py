"""Benchmarks: a generated corpus (`generate`) and the measurements of `make bench` (`run`)."""
