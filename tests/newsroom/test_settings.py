"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import newsroom.settings as s; print(s.DEBUG, s.TIME_ZONE, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_development_defaults_need_no_variables():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Asia/Seoul", "django.db.backends.sqlite3"]


def test_production_refuses_to_start_without_secret_key():
    result = load_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="news.example.ac.kr")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_database_url_and_time_zone_come_from_environment():
    result = load_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom", NEWSROOM_TIME_ZONE="UTC"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "UTC", "django.db.backends.postgresql"]


def test_bad_boolean_is_a_clear_error():
    result = load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def _image_sources(**env):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import newsroom.settings as s; print(' '.join(s.SECURE_CSP['img-src']))",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_S3", "AWS_"))}
        | env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def test_images_from_a_bucket_behind_a_cdn_are_allowed_by_the_csp():
    result = _image_sources(
        NEWSROOM_S3_BUCKET="news-media", NEWSROOM_S3_CUSTOM_DOMAIN="media.example.ac.kr/news"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["'self'", "data:", "https://media.example.ac.kr"]


def test_images_from_an_s3_compatible_endpoint_are_allowed_by_the_csp():
    result = _image_sources(
        NEWSROOM_S3_BUCKET="news-media", NEWSROOM_S3_ENDPOINT_URL="http://127.0.0.1:9000"
    )
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:9000" in result.stdout.split()


def test_images_from_aws_are_allowed_by_the_csp_for_that_bucket_only():
    result = _image_sources(NEWSROOM_S3_BUCKET="news-media", AWS_DEFAULT_REGION="ap-northeast-2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2:] == [
        "https://news-media.s3.amazonaws.com",
        "https://news-media.s3.ap-northeast-2.amazonaws.com",
    ]


def test_media_on_the_site_itself_adds_nothing_to_the_csp():
    result = _image_sources()
    assert result.stdout.split() == ["'self'", "data:"]


def test_a_media_origin_that_is_not_an_origin_is_refused():
    result = _image_sources(NEWSROOM_MEDIA_ORIGINS="https://cdn.example.ac.kr, 'unsafe-inline'")
    assert result.returncode != 0
    assert "NEWSROOM_MEDIA_ORIGINS takes origins" in result.stderr
