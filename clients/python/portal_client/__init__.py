"""Python client of the Portal ML observability portal (standard library only).

>>> from portal_client import Portal
>>> with Portal("http://localhost:5080", api_key="secret") as portal:          # doctest: +SKIP
...     pid = portal.log_prediction("fraud", features={"amount": 41.5}, prediction=1, score=0.91)
...     portal.log_feedback("fraud", pid, label=1)
"""

from .client import BatchOutcome, ClientStats, Portal, columns_of
from .errors import PortalError

__all__ = ["Portal", "PortalError", "BatchOutcome", "ClientStats", "columns_of"]
__version__ = "0.1.0"
