"""Media on S3-compatible object storage, against a real S3 HTTP server.

``moto_server`` (PyPI ``moto[server]``) answers the S3 API on a loopback
port; django-storages talks to it exactly as to a production bucket, with
the options ``newsroom/settings.py`` builds from ``NEWSROOM_S3_*``. Each test
gets a bucket of its own with the public-read policy of docs/media.md
(``renditions/*`` only). Uploads go through the admin and the model;
every stored object is fetched back with boto3 and checked with Pillow (no
EXIF, no GPS, no other metadata); renditions answer a plain, unsigned HTTP
GET at the address pages show; originals answer it with 403 and are read by
staff through the app. Nothing is written to the local media folder.
"""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from lxml import html

from articles.models import Article
from tests.newsroom.test_exif import TELLTALES, assert_pixels_only, camera_jpeg
from tests.support.admin import admin_form_data, post_change
from tests.support.factories import make_article, make_person, make_section

if importlib.util.find_spec("moto") is None:
    pytest.skip(
        "moto[server] is not installed (requirements-dev.in): no S3 server to test against",
        allow_module_level=True,
    )

import boto3  # moto depends on it

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
# moto accepts any key; these never leave the loopback interface.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "newsroom-test", "AWS_SECRET_ACCESS_KEY": "newsroom-test"}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """``http://127.0.0.1:<port>``: a moto S3 server for the whole session."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"moto_server exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not answer on {endpoint}")
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def s3_settings(s3_endpoint):
    """``STORAGES["default"]`` as newsroom/settings.py builds it from the environment.

    Loaded in a fresh interpreter, as a server would, and the storage is
    opened there too: the backend must exist (it used to be a missing
    package, InvalidStorageError).
    """
    code = (
        "import json, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.storage import storages\n"
        "storage = storages['default']\n"
        "print(json.dumps({'class': type(storage).__module__ + '.' + type(storage).__name__,"
        " 'config': settings.STORAGES['default']}))\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "NEWSROOM_", "AWS_"))
    }
    env.update(
        CREDENTIALS,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        NEWSROOM_S3_BUCKET="newsroom-settings-check",
        NEWSROOM_S3_ENDPOINT_URL=s3_endpoint,
        NEWSROOM_S3_REGION=REGION,
        NEWSROOM_S3_ADDRESSING_STYLE="path",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def s3(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def public_renditions_policy(bucket):
    """docs/media.md's bucket policy: anyone may GET renditions/*, and nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRenditionsOnly",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/renditions/*",
            }
        ],
    }


@pytest.fixture
def bucket(s3, s3_settings, settings, monkeypatch):
    """A fresh bucket with the public-renditions policy, made the default storage."""
    name = f"newsroom-test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(public_renditions_policy(name)))
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    config = s3_settings["config"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**config, "OPTIONS": {**config["OPTIONS"], "bucket_name": name}},
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    yield name
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])]
    if keys:
        s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": key} for key in keys]})
    s3.delete_bucket(Bucket=name)


def stored_keys(s3, bucket):
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def stored_bytes(s3, bucket, key):
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def plain_get(url):
    """``(status, content type, body)`` of an anonymous, unsigned GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def assert_bucket_holds_clean_copies_only(s3, bucket, article):
    """Every object of the story is in the bucket, and is pixels only."""
    article.refresh_from_db()
    original = article.lead_image.name
    renditions = [item["name"] for item in article.lead_image_renditions]
    assert original.startswith("originals/")
    # 1000 wide once the orientation is applied: 480, 800 and 1000, WebP and JPEG.
    assert len(renditions) == 6
    assert stored_keys(s3, bucket) == sorted([original, *renditions])
    image = assert_pixels_only(stored_bytes(s3, bucket, original))
    assert image.size == (1000, 2000)
    for item in article.lead_image_renditions:
        image = assert_pixels_only(stored_bytes(s3, bucket, item["name"]))
        assert image.size == (item["width"], item["height"])
        assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[item["format"]]


def test_the_settings_open_an_s3_storage_with_private_objects_and_unsigned_urls(s3_settings):
    assert s3_settings["class"] == "storages.backends.s3.S3Storage"
    options = s3_settings["config"]["OPTIONS"]
    assert options["bucket_name"] == "newsroom-settings-check"
    assert options["region_name"] == REGION
    assert options["addressing_style"] == "path"
    # No ACL on upload: private unless the bucket policy says otherwise.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    # Credentials are never copied into settings: boto3 reads AWS_* itself.
    assert not {"access_key", "secret_key"} & set(options)


def test_an_admin_upload_is_stored_in_the_bucket_without_metadata(editor_client, s3, bucket):
    section = make_section()
    add = reverse("admin:articles_article_add")
    data = admin_form_data(
        editor_client.get(add),
        headline="A photo with a position",
        slug="a-photo-with-a-position",
        section=str(section.pk),
        body="<p>Text.</p>",
        lead_image_alt="A lab",
    )
    data["lead_image"] = camera_jpeg()

    response = editor_client.post(add, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="a-photo-with-a-position")
    assert_bucket_holds_clean_copies_only(s3, bucket, article)


def test_a_model_upload_is_stored_in_the_bucket_and_nothing_on_disk(s3, bucket, settings):
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")

    assert_bucket_holds_clean_copies_only(s3, bucket, article)
    media_root = Path(settings.MEDIA_ROOT)
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_a_person_photo_is_private_in_the_bucket(client, editor_client, s3, bucket):
    person = make_person(photo=camera_jpeg(name="home-address.jpg"))
    person.refresh_from_db()

    assert person.photo.name.startswith("originals/")
    assert stored_keys(s3, bucket) == [person.photo.name]
    assert_pixels_only(stored_bytes(s3, bucket, person.photo.name))
    status, _type, _body = plain_get(default_storage.url(person.photo.name))
    assert status == 403
    response = editor_client.get(person.photo.url)
    assert response.status_code == 200
    assert_pixels_only(b"".join(response.streaming_content))


def test_pages_name_renditions_at_public_bucket_addresses(client, s3_endpoint, s3, bucket):
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")
    article.refresh_from_db()
    bucket_url = f"{s3_endpoint}/{bucket}/"

    page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    body = page.content.decode()
    assert "originals/" not in body
    tree = html.fromstring(body)
    addresses = {
        candidate.strip().split()[0]
        for srcset in tree.xpath("//source/@srcset | //img/@srcset")
        for candidate in srcset.split(",")
    } | set(tree.xpath("//img/@src"))
    addresses.discard("")
    expected = {bucket_url + item["name"] for item in article.lead_image_renditions}
    lead = {address for address in addresses if address.startswith(bucket_url)}
    assert lead == expected
    # Unsigned: nothing in the address expires or names a key.
    assert not any("?" in address for address in lead)
    og_image = tree.xpath('//meta[@property="og:image"]/@content')
    assert og_image == [bucket_url + article.lead_image_renditions[-1]["name"]]
    for item in article.lead_image_renditions:
        status, content_type, data = plain_get(bucket_url + item["name"])
        assert status == 200, item["name"]
        assert content_type == {"jpg": "image/jpeg", "webp": "image/webp"}[item["format"]]
        assert data == stored_bytes(s3, bucket, item["name"])
        assert not any(telltale in data for telltale in TELLTALES)


def test_the_original_is_at_no_public_address_and_staff_read_it_through_the_app(
    client, editor_client, s3_endpoint, s3, bucket
):
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")
    article.refresh_from_db()
    original = article.lead_image.name

    # Where the bucket would serve it, an anonymous GET is refused.
    status, _type, data = plain_get(f"{s3_endpoint}/{bucket}/{original}")
    assert status == 403
    assert b"\xff\xd8" not in data
    assert plain_get(default_storage.url(original))[0] == 403
    # The object carries no ACL grant to anyone but the owner, and the policy
    # grants reads of renditions/ only, and no listing.
    grants = s3.get_object_acl(Bucket=bucket, Key=original)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants] == [None]
    assert all(
        grant["Grantee"].get("URI") != ALL_USERS
        for grant in s3.get_bucket_acl(Bucket=bucket)["Grants"]
    )
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert [(rule["Action"], rule["Resource"]) for rule in policy["Statement"]] == [
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/renditions/*")
    ]
    # The field's address is the staff route, which reads through the storage.
    assert article.lead_image.url == reverse("media-staff", kwargs={"path": original})
    response = editor_client.get(article.lead_image.url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == stored_bytes(s3, bucket, original)
    signed_out = client.get(article.lead_image.url)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("admin:login"))


def test_a_draft_renditions_are_reachable_only_by_their_unguessable_address(
    client, editor_client, s3, bucket
):
    article = make_article(
        lead_image=camera_jpeg(), lead_image_alt="A lab", status="draft", published_at=None
    )
    article.refresh_from_db()
    names = [item["name"] for item in article.lead_image_renditions]

    # Staff previews name them through the staff route, never the bucket.
    page = editor_client.get(article.get_absolute_url())
    body = page.content.decode() if page.status_code == 200 else ""
    assert default_storage.url(names[0]) not in body
    for name in names:
        response = editor_client.get(reverse("media-staff", kwargs={"path": name}))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == stored_bytes(s3, bucket, name)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_app_media_route_reads_public_renditions_from_the_bucket(client, s3, bucket, settings):
    """With NEWSROOM_SERVE_MEDIA the app's /media/ answers from object storage too."""
    settings.NEWSROOM_SERVE_MEDIA = True
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")
    article.refresh_from_db()

    for item in article.lead_image_renditions:
        response = client.get(f"/media/{item['name']}")
        assert response.status_code == 200, item["name"]
        assert b"".join(response.streaming_content) == stored_bytes(s3, bucket, item["name"])
    assert client.get(f"/media/{article.lead_image.name}").status_code == 404

    draft = make_article(lead_image=camera_jpeg(), lead_image_alt="x", status="draft")
    draft.refresh_from_db()
    assert client.get(f"/media/{draft.lead_image_renditions[0]['name']}").status_code == 404


def test_replacing_and_removing_an_image_deletes_old_renditions_from_the_bucket(
    editor_client, s3_endpoint, s3, bucket, django_capture_on_commit_callbacks
):
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")
    article.refresh_from_db()
    first = [item["name"] for item in article.lead_image_renditions]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(
            editor_client,
            article,
            files={"lead_image": camera_jpeg(size=(900, 600), orientation=1, name="second.jpg")},
            _publish_changes="Publish changes",
        )
    assert response.status_code == 302, response.context["adminform"].form.errors

    article.refresh_from_db()
    second = [item["name"] for item in article.lead_image_renditions]
    keys = set(stored_keys(s3, bucket))
    assert not keys & set(first)
    assert set(second) <= keys
    for name in first:
        assert plain_get(f"{s3_endpoint}/{bucket}/{name}")[0] in {403, 404}
    for name in second:
        assert_pixels_only(stored_bytes(s3, bucket, name))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(
            editor_client,
            article,
            **{"lead_image-clear": "on", "_publish_changes": "Publish changes"},
        )
    assert response.status_code == 302, response.context["adminform"].form.errors

    article.refresh_from_db()
    assert not article.lead_image
    assert article.lead_image_renditions == []
    assert not [key for key in stored_keys(s3, bucket) if key.startswith("renditions/")]
    # Originals are kept (revisions may bring them back) and stay private.
    assert all(key.startswith("originals/") for key in stored_keys(s3, bucket))


def test_storage_delete_removes_the_object(s3, bucket):
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")
    article.refresh_from_db()
    name = article.lead_image.name
    assert default_storage.exists(name)

    default_storage.delete(name)

    assert not default_storage.exists(name)
    assert name not in stored_keys(s3, bucket)


def test_the_feed_enclosure_is_the_public_bucket_address(client, s3_endpoint, bucket):
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")
    article.refresh_from_db()
    largest_jpeg = article.lead_image_renditions[-1]

    rss = client.get(reverse("feeds:latest")).content.decode()

    url = f"{s3_endpoint}/{bucket}/{largest_jpeg['name']}"
    assert f'url="{url}"' in rss
    assert "originals/" not in rss
    assert plain_get(url)[0] == 200
