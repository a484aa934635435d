"""The MQTT consumer behind ``countyworks ingest``, and a small publisher for ``countyworks simulate``.

Delivery guarantees (docs/telemetry.md):

- MQTT v5, QoS 1, ``clean_start=False`` with a session expiry: the broker keeps the consumer's
  session, subscriptions and unacknowledged messages while it is away (restart, crash, upgrade).
- Manual acknowledgements: a message's PUBACK is sent only after the batch that contains it has
  been committed by :func:`~countyworks.energy.ingest.ingest_messages`. A consumer killed before the
  commit (SIGKILL included) leaves its messages unacknowledged, and the broker redelivers them when
  it reconnects with the same client id; storage is idempotent on (point, ts), so a message that
  was committed but not yet acknowledged is stored once.
- Scale-out: every consumer subscribes through the shared subscription
  ``$share/<group>/countyworks/+/+/+/telemetry`` (and ``…/alarm``); the broker hands each message
  to one member of the group. Each consumer needs its own stable client id. Mosquitto 2.0 does not
  restore *shared* subscriptions from its persistence file after a broker restart (plain ones it
  does): messages published between the broker's restart and the consumers' reconnection (seconds,
  with the back-off below) reach no one. A single consumer that must survive broker restarts
  without that gap runs without a group (``--no-share``: plain subscriptions).
- Reconnection with exponential back-off (1 s doubling to 60 s), by paho's network loop; database
  errors are retried with the same back-off while the messages stay unacknowledged.
- Batches: the consumer commits when ``batch_size`` messages are waiting or ``linger`` seconds after
  the first, whichever comes first. The broker keeps at most ``receive_maximum`` messages in
  flight to one consumer, which bounds the batch and the memory a crash can lose.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import paho.mqtt.client as paho
from django.db import DatabaseError, close_old_connections, connection
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from countyworks.energy.ingest import IngestReport

logger = logging.getLogger(__name__)

DEFAULT_URL = "mqtt://127.0.0.1:1883"
TELEMETRY_FILTER = "countyworks/+/+/+/telemetry"
ALARM_FILTER = "countyworks/+/+/+/alarm"
#: Seven days: a consumer may be away that long without its queued messages being discarded.
SESSION_EXPIRY_S = 7 * 24 * 3600


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        """``mqtt://[user:password@]host[:port]`` or ``mqtts://…`` (TLS, default port 8883)."""
        parsed = urlparse(url or DEFAULT_URL)
        if parsed.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ValueError(f"MQTT URL {url!r} must start with mqtt:// or mqtts://")
        tls = parsed.scheme in ("mqtts", "ssl")
        return cls(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (8883 if tls else 1883),
            tls=tls,
            username=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
        )


def new_client(client_id: str, broker: BrokerAddress, *, manual_ack: bool = False) -> paho.Client:
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5, manual_ack=manual_ack
    )
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    if broker.tls:
        client.tls_set()
    client.reconnect_delay_set(min_delay=1, max_delay=60)
    return client


def default_client_id() -> str:
    """A stable id per machine (the persistent session is keyed by it): ``countyworks-ingest-<host>``."""
    return f"countyworks-ingest-{socket.gethostname()}"


@dataclass
class ConsumerConfig:
    url: str = DEFAULT_URL
    client_id: str = field(default_factory=default_client_id)
    group: str = "countyworks"
    batch_size: int = 2000
    linger: float = 0.05
    receive_maximum: int = 5000
    keepalive: int = 30
    stats_every: float = 10.0
    comm_check_every: float = 30.0


@dataclass(frozen=True)
class _Delivery:
    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int


class Consumer:
    """Subscribe, batch, ingest, acknowledge; see the module docstring for the guarantees."""

    def __init__(
        self,
        config: ConsumerConfig,
        ingest: Callable[[Sequence[tuple[str, bytes]]], IngestReport] | None = None,
        on_batch: Callable[[IngestReport], None] | None = None,
    ) -> None:
        from countyworks.energy.ingest import ingest_messages

        self.config = config
        self.ingest = ingest or ingest_messages
        self.on_batch = on_batch
        self.broker = BrokerAddress.parse(config.url)
        self.stop = threading.Event()
        self.connected = threading.Event()
        self.totals = IngestReport()
        self._inbox: queue.Queue[_Delivery] = queue.Queue()
        self._generation = 0
        self._client = new_client(config.client_id, self.broker, manual_ack=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe

    @property
    def filters(self) -> list[str]:
        """The shared-subscription filters of the group, or the plain filters without a group."""
        if not self.config.group:
            return [TELEMETRY_FILTER, ALARM_FILTER]
        return [
            f"$share/{self.config.group}/{TELEMETRY_FILTER}",
            f"$share/{self.config.group}/{ALARM_FILTER}",
        ]

    # paho callbacks run on its network thread ----------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            logger.error("MQTT broker refused the connection: %s", reason_code)
            return
        self._generation += 1
        logger.info(
            "connected to %s:%s as %s (session present: %s)",
            self.broker.host,
            self.broker.port,
            self.config.client_id,
            flags.session_present,
        )
        client.subscribe([(f, paho.SubscribeOptions(qos=1)) for f in self.filters])
        self.connected.set()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        failed = [str(code) for code in reason_codes if code.is_failure]
        if failed:
            logger.error("the broker refused the subscription: %s", ", ".join(failed))
        else:
            logger.info("subscribed to %s", ", ".join(self.filters))

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        if not self.stop.is_set():
            logger.warning("disconnected from the broker (%s); reconnecting with back-off", reason_code)

    def _on_message(self, client, userdata, message: paho.MQTTMessage) -> None:
        self._inbox.put(
            _Delivery(message.topic, bytes(message.payload), message.mid, message.qos, self._generation)
        )

    # main loop -----------------------------------------------------------------------------------
    def _connect_properties(self) -> Properties:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = self.config.receive_maximum
        return props

    def start(self) -> None:
        """Connect (asynchronously, retrying until the broker answers) and start the network thread."""
        self._client.connect_async(
            self.broker.host,
            self.broker.port,
            keepalive=self.config.keepalive,
            clean_start=False,
            properties=self._connect_properties(),
        )
        self._client.loop_start()

    def _next_batch(self) -> list[_Delivery]:
        try:
            first = self._inbox.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.config.linger
        while len(batch) < self.config.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(
                    self._inbox.get(timeout=remaining) if remaining > 0 else self._inbox.get_nowait()
                )
            except queue.Empty:
                break
        return batch

    def _ingest_with_retry(self, batch: list[_Delivery]) -> IngestReport | None:
        delay = 1.0
        while True:
            try:
                return self.ingest([(d.topic, d.payload) for d in batch])
            except DatabaseError:
                logger.exception(
                    "database error while storing %d messages; retrying in %.0f s", len(batch), delay
                )
                connection.close()  # reconnect on the next attempt
            if self.stop.wait(delay):
                return None
            delay = min(delay * 2, 60.0)

    def _acknowledge(self, batch: list[_Delivery]) -> None:
        generation = self._generation
        for delivery in batch:
            # A message received before a reconnect is redelivered on the new connection with the
            # same packet id; acknowledging the stale copy is skipped, the fresh copy is acked later.
            if delivery.generation == generation and delivery.qos > 0:
                self._client.ack(delivery.mid, delivery.qos)

    def run(self) -> IngestReport:
        """Consume until :attr:`stop` is set (SIGTERM/SIGINT in the CLI); returns the totals."""
        from countyworks.energy.alarms import check_communication_loss

        self.start()
        last_stats = last_comm = time.monotonic()
        window = IngestReport()
        try:
            while not self.stop.is_set():
                batch = self._next_batch()
                if batch:
                    report = self._ingest_with_retry(batch)
                    if report is None:
                        break
                    self._acknowledge(batch)
                    self.totals += report
                    window += report
                    if self.on_batch:
                        self.on_batch(report)
                now = time.monotonic()
                if now - last_comm >= self.config.comm_check_every:
                    last_comm = now
                    try:
                        check_communication_loss()
                    except DatabaseError:
                        logger.exception("communication-loss check failed")
                        connection.close()
                if now - last_stats >= self.config.stats_every:
                    if window.messages:
                        logger.info(
                            "ingested %d messages in %.0f s: %d readings stored, %d duplicates, %d quarantined (%.0f readings/s)",
                            window.messages,
                            now - last_stats,
                            window.stored,
                            window.duplicates,
                            window.quarantined,
                            window.stored / (now - last_stats),
                        )
                    window = IngestReport()
                    last_stats = now
                    close_old_connections()
        finally:
            self._client.disconnect()
            self._client.loop_stop()
        return self.totals


def forget_session(url: str, client_id: str, timeout: float = 10.0) -> None:
    """End a consumer's persistent session on the broker (a consumer retired for good).

    While a session of the shared group exists, the broker keeps handing it its share of the
    messages, queued until the session expires; a consumer taken out of service must forget it.
    """
    broker = BrokerAddress.parse(url)
    client = new_client(client_id, broker)
    done = threading.Event()
    client.on_connect = lambda *_args: done.set()
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 0
    client.connect(broker.host, broker.port, keepalive=10, clean_start=True, properties=props)
    client.loop_start()
    try:
        if not done.wait(timeout):
            raise TimeoutError(f"the broker at {broker.host}:{broker.port} did not answer")
    finally:
        client.disconnect()
        client.loop_stop()


class Publisher:
    """A QoS 1 publisher (gateway simulator, tests, benchmarks) that waits for the broker's PUBACKs."""

    def __init__(
        self, url: str = DEFAULT_URL, client_id: str | None = None, max_inflight: int = 1000
    ) -> None:
        broker = BrokerAddress.parse(url)
        self.client = new_client(client_id or f"countyworks-sim-{os.getpid()}", broker)
        self.client.max_inflight_messages_set(max_inflight)
        self.client.max_queued_messages_set(0)
        self.client.connect(broker.host, broker.port, keepalive=30)
        self.client.loop_start()
        self._pending: list[paho.MQTTMessageInfo] = []

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> None:
        self._pending.append(self.client.publish(topic, payload, qos=qos))
        if len(self._pending) >= 5000:
            self.flush()

    def flush(self, timeout: float = 60.0) -> None:
        """Wait until the broker has acknowledged everything published so far."""
        deadline = time.monotonic() + timeout
        for info in self._pending:
            info.wait_for_publish(max(0.0, deadline - time.monotonic()))
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        self.client.disconnect()
        self.client.loop_stop()
