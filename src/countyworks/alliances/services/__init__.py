"""Every write of program 1, one module per group of use cases, re-exported here.

Each service is ``@transaction.atomic``, checks the actor's write reach, validates and records who
made the change (simple-history).
"""

from countyworks.alliances.services.alliances import activity_add, alliance_create
from countyworks.alliances.services.orders import allocation_confirm, delivery_record, orders_allocate
from countyworks.alliances.services.requests import service_request_open, service_request_rate
from countyworks.alliances.services.settlement import contract_terms, settlement_run

__all__ = [
    "activity_add",
    "alliance_create",
    "allocation_confirm",
    "contract_terms",
    "delivery_record",
    "orders_allocate",
    "service_request_open",
    "service_request_rate",
    "settlement_run",
]
