"""Operating マイナちゃん from the repository: start and stop the servers, the two-instance
cluster, and what the load test and the benchmark measure.

Used by `make run`/`make stop`/`make shell` and the cluster targets (``python -m maina_ops``,
maina_ops/__main__.py), by the end-to-end tests, by bench/ and by load/. Standard library
only (the load test imports it from its own Locust venv); the one Locust user for the load
test and the benchmark is maina_ops/locustfile.py.
"""
