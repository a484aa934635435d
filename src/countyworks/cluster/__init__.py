"""``countyworks cluster``: the provincial topology on one machine, for tests and demonstrations.

PostgreSQL with automatic failover (pg_auto_failover: a monitor, a primary, a hot standby), two
stateless app nodes behind a small balancer, two queue workers, two telemetry consumers sharing
the MQTT subscription, a private Redis and Mosquitto, and the station simulator. See
docs/operations.md ("Scaling past one machine (a province)").
"""
