"""Orchestration and I/O: the Prefect flows and tasks, the only code that touches the data root,
and the ``padan`` command line. Importing this package does not import Prefect."""

import os

# Prefect's ephemeral server needs ~20 s to start on a 2-core machine, right at its default timeout;
# and there is no internet for its telemetry. Set before Prefect is imported anywhere.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
