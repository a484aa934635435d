"""Data the fault test needs on a fresh cluster (run with the cluster's environment, Django set up).

Prints one JSON line: the points published per second by the simulator for the test stations, and
the person the test's tickets are assigned to.
Half the stations are storage plants (55 points with two PCS and two battery clusters), half wind
farms with ten turbines (61 points): 58 points a station on average, the design figure.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import django
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyworks.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 - after django.setup()

from countyworks.core.actors import SYSTEM  # noqa: E402
from countyworks.core.models import Person, Region, Role, RoleGrant  # noqa: E402
from countyworks.energy import services, simulate  # noqa: E402

STATIONS = int(sys.argv[1])
STORAGE = {
    "energy_mwh": Decimal("100"),
    "eta_charge": Decimal("0.9"),
    "eta_discharge": Decimal("0.95"),
    "soc_min": Decimal("0.1"),
    "soc_max": Decimal("0.9"),
}
PASSWORD = sys.argv[2]

province, _ = Region.objects.get_or_create(code="43", defaults={"name": "湖南省", "level": "province"})
city, _ = Region.objects.get_or_create(
    code="4309", defaults={"name": "益阳市", "level": "city", "parent": province}
)
county, _ = Region.objects.get_or_create(
    code="430981", defaults={"name": "沅江市", "level": "county", "parent": city}
)
user = get_user_model().objects.create_user(
    "fault-admin", password=PASSWORD, is_superuser=True, is_staff=True
)
RoleGrant.objects.create(user=user, role=Role.ADMIN, region=None)
owner = Person.objects.create(name="值班员", region=county, user=user)  # tickets need someone responsible

points = 0
rng = np.random.default_rng(1)
for i in range(STATIONS):
    storage = i % 2 == 0
    station = services.station_create(
        acting_user=SYSTEM,
        code=f"fault-{i:03d}",
        name=f"故障测试电站 {i:03d}",
        kind="storage" if storage else "wind",
        region=county,
        capacity_mw=Decimal("50"),
        commissioned_on=date(2021, 1, 1),
        device_counts={"pcs": 2, "bms": 2} if storage else {"wtg": 10},
        **(STORAGE if storage else {}),
    )
    sim = simulate.StationSimulator(station, simulate.device_map(station), rng)
    points += sum(len(values) for values in sim.readings(datetime.now(UTC), 1).values())
print(json.dumps({"points_per_second": points, "owner_person_id": owner.pk}))
