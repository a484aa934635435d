"""Production queue and cache against a real Redis (REDIS_URL), as settings configure them."""

from __future__ import annotations

import os
import uuid

import pytest

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_url():
    if not REDIS_URL:
        pytest.skip("set REDIS_URL to run the Redis tests")
    return REDIS_URL


def test_huey_round_trip_through_redis(redis_url):
    from huey import RedisHuey

    huey = RedisHuey(name=f"countyworks-test-{uuid.uuid4().hex[:8]}", url=redis_url)

    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(20, 22)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    huey.execute(task)
    assert result.get() == 42
    huey.flush()


def test_django_cache_on_redis(redis_url, settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    cache = caches.create_connection("default")
    key = f"cw-test-{uuid.uuid4().hex}"
    cache.set(key, {"县": "常宁市"}, 30)
    assert cache.get(key) == {"县": "常宁市"}
    cache.delete(key)


def test_settings_switch_to_redis_when_redis_url_is_set(redis_url):
    import subprocess
    import sys

    code = "import django,os;django.setup();from django.conf import settings;print(settings.HUEY['huey_class'], settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "countyworks.settings", "REDIS_URL": redis_url}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == [
        "countyworks.core.periodic.OncePerPeriodRedisHuey",
        "django.core.cache.backends.redis.RedisCache",
    ]
