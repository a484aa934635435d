"""The MQTT consumer's logic without a broker: URLs, filters, batching, acknowledgement after commit, retries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import OperationalError

from countyworks.energy.ingest import IngestReport
from countyworks.energy.models import Measurement
from countyworks.energy.mqtt import BrokerAddress, Consumer, ConsumerConfig, _Delivery
from tests.energy.conftest import message


def test_broker_urls():
    assert BrokerAddress.parse("mqtt://127.0.0.1:1883") == BrokerAddress("127.0.0.1", 1883)
    assert BrokerAddress.parse("mqtts://user:p%40ss@broker.example") == BrokerAddress(
        "broker.example", 8883, True, "user", "p@ss"
    )
    with pytest.raises(ValueError, match="mqtt://"):
        BrokerAddress.parse("http://broker")


def test_shared_and_plain_filters():
    shared = Consumer(ConsumerConfig(client_id="t1", group="g"), ingest=lambda m: IngestReport())
    assert shared.filters == ["$share/g/countyworks/+/+/+/telemetry", "$share/g/countyworks/+/+/+/alarm"]
    plain = Consumer(ConsumerConfig(client_id="t2", group=""), ingest=lambda m: IngestReport())
    assert plain.filters == ["countyworks/+/+/+/telemetry", "countyworks/+/+/+/alarm"]


class Recorder:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.batches: list[list[tuple[str, bytes]]] = []
        self.acks_at_ingest: list[int] = []
        self.acks: list[int] = []

    def ingest(self, messages):
        self.acks_at_ingest.append(len(self.acks))
        if self.failures:
            self.failures -= 1
            raise OperationalError("database is locked")
        self.batches.append(list(messages))
        return IngestReport(messages=len(messages))


def _consumer(recorder: Recorder, **config) -> Consumer:
    consumer = Consumer(ConsumerConfig(client_id="unit", linger=0.01, **config), ingest=recorder.ingest)
    consumer._client.ack = lambda mid, qos: recorder.acks.append(mid)  # type: ignore[method-assign]
    consumer.start = lambda: None  # type: ignore[method-assign]
    return consumer


def _deliver(consumer: Consumer, mids, generation: int = 0) -> None:
    for mid in mids:
        consumer._inbox.put(_Delivery("countyworks/430981/s/d/telemetry", b"{}", mid, 1, generation))


def test_batches_are_bounded_and_acknowledged_after_the_commit():
    recorder = Recorder()
    consumer = _consumer(recorder, batch_size=3, comm_check_every=1e9, stats_every=1e9)
    _deliver(consumer, range(1, 8))
    stopper = threading.Timer(0.5, consumer.stop.set)
    stopper.start()
    totals = consumer.run()
    assert [len(b) for b in recorder.batches] == [3, 3, 1]
    assert recorder.acks == [1, 2, 3, 4, 5, 6, 7]
    assert recorder.acks_at_ingest == [0, 3, 6]  # nothing of a batch is acked before it is stored
    assert totals.messages == 7


def test_database_errors_are_retried_and_nothing_is_acked_meanwhile(monkeypatch):
    recorder = Recorder(failures=2)
    consumer = _consumer(recorder, comm_check_every=1e9, stats_every=1e9)
    monkeypatch.setattr(consumer.stop, "wait", lambda delay: False)  # no real back-off sleeping in the test
    _deliver(consumer, [1, 2])
    batch = consumer._next_batch()
    report = consumer._ingest_with_retry(batch)
    assert report.messages == 2 and recorder.acks_at_ingest == [0, 0, 0]
    consumer._acknowledge(batch)
    assert recorder.acks == [1, 2]


def test_messages_of_an_earlier_connection_are_not_acknowledged():
    recorder = Recorder()
    consumer = _consumer(recorder)
    consumer._generation = 2
    _deliver(consumer, [1], generation=1)
    _deliver(consumer, [1], generation=2)  # the broker's redelivery after the reconnect
    batch = consumer._next_batch()
    consumer._acknowledge(batch)
    assert recorder.acks == [1]


def test_the_real_ingest_path_behind_the_consumer(storage):
    consumer = Consumer(
        ConsumerConfig(client_id="unit-db", linger=0.01, comm_check_every=1e9, stats_every=1e9)
    )
    acks: list[int] = []
    consumer._client.ack = lambda mid, qos: acks.append(mid)  # type: ignore[method-assign]
    consumer.start = lambda: None  # type: ignore[method-assign]
    ts = datetime(2023, 7, 24, tzinfo=UTC)
    for mid, (topic, payload) in enumerate([message("xinwan-ess", "meter", ts, {"P_kW": 1.0})] * 2, start=1):
        consumer._inbox.put(_Delivery(topic, payload, mid, 1, 0))
    threading.Timer(0.5, consumer.stop.set).start()
    totals = consumer.run()
    assert (totals.stored, totals.duplicates, acks) == (1, 1, [1, 2])
    assert Measurement.objects.count() == 1
