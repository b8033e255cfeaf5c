"""newsroom_backup and newsroom_restore: the whole newsroom out to a folder and back."""

import json
import shutil
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from taggit.models import Tag

from articles.models import Article, Quote
from institutions.models import Agreement, AgreementParty, Person
from newsroom import revisions
from newsroom.backups import storage_names
from tests.support.factories import (
    image_upload,
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_quote,
    make_staff,
)


def _newsroom():
    """A small newsroom: two stories with quotes and tags, an agreement, an image."""
    speaker = make_person(name="Choi Jae-young", slug="choi-jae-young")
    kaist, yonsei = make_institution(name="KAIST"), make_institution(name="Yonsei")
    agreement = make_agreement(title="KAIST–Yonsei exchange", parties=[kaist, yonsei])
    AgreementParty.objects.filter(agreement=agreement, institution=kaist).update(signatory=speaker)
    with revisions.recorded(user=None, comment="First draft"):
        pictured = make_article(
            headline="A new lab opens",
            lead_image=image_upload(name="lab.jpg", size=(900, 600)),
            lead_image_alt="The new lab",
            tags=["research", "연구"],
        )
    pictured.agreements.add(agreement)
    make_quote(article=pictured, person=speaker, text="We are delighted.")
    plain = make_article(headline="Exchange signed", tags=["research"])
    make_quote(article=plain, person=speaker, text="A good day for both.")
    make_staff("Editor", username="editor-kim")
    return pictured


def _agreements():
    return [
        (
            agreement.slug,
            sorted(agreement.party_rows.values_list("institution__name", "signatory__slug")),
        )
        for agreement in Agreement.objects.order_by("slug")
    ]


def _stored_bytes():
    return {name: default_storage.open(name).read() for name in storage_names(default_storage)}


def _backup_with_manifest_edited(backup, edit):
    """A new backup in the folder, its manifest.json changed in place by ``edit``."""
    call_command("newsroom_backup", str(backup), stdout=StringIO())
    manifest = json.loads((backup / "manifest.json").read_text())
    edit(manifest)
    (backup / "manifest.json").write_text(json.dumps(manifest))
    return backup


def _empty_database_and_media(media_root):
    # Deferred constraint checks from the setup would block PostgreSQL's TRUNCATE.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)


@pytest.mark.django_db
def test_backup_then_restore_brings_back_every_record_and_file(settings, tmp_path):
    pictured = _newsroom()
    articles = sorted(Article.objects.values_list("pk", "headline", "slug", "body", "guid"))
    quotes = sorted(Quote.objects.values_list("pk", "article_id", "person__slug", "text"))
    agreements = _agreements()
    files = _stored_bytes()
    # The original and its renditions.
    assert pictured.lead_image.name in files and len(files) > 1
    backup = tmp_path / "backup"

    out = StringIO()
    call_command("newsroom_backup", str(backup), stdout=out)
    assert "files" in out.getvalue()

    _empty_database_and_media(settings.MEDIA_ROOT)
    assert not Article.objects.exists() and not Person.objects.exists()
    assert _stored_bytes() == {}

    out = StringIO()
    call_command("newsroom_restore", str(backup), stdout=out)
    assert "Restore complete." in out.getvalue()
    assert f"Files: {len(files)} written" in out.getvalue()

    assert sorted(Article.objects.values_list("pk", "headline", "slug", "body", "guid")) == articles
    assert sorted(Quote.objects.values_list("pk", "article_id", "person__slug", "text")) == quotes
    assert _agreements() == agreements
    assert _stored_bytes() == files
    restored = Article.objects.get(pk=pictured.pk)
    assert restored.lead_image.name == pictured.lead_image.name
    assert restored.lead_image_renditions == pictured.lead_image_renditions
    assert list(restored.agreements.values_list("slug", flat=True)) == [
        a.slug for a in pictured.agreements.all()
    ]
    assert sorted(restored.tags.names()) == ["research", "연구"]
    assert Tag.objects.count() == 2
    # Roles keep their permissions, staff their roles; history its story.
    editor_role = Group.objects.get(name="Editor")
    assert editor_role.permissions.filter(codename="publish_article").exists()
    assert editor_role.user_set.filter(username="editor-kim").exists()
    assert revisions.versions_of(restored).count() == 1


@pytest.mark.django_db
def test_the_manifest_counts_and_checksums_everything(tmp_path):
    _newsroom()
    call_command("newsroom_backup", str(tmp_path / "backup"), stdout=StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["format"] == "newsroom-backup"
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["django_version"]
    assert manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["articles"]
    rows = manifest["database"]["rows"]
    assert rows["articles.article"] == 2
    assert rows["articles.quote"] == 2
    assert rows["institutions.agreementparty"] == 2
    assert rows["auth.user"] == 1
    assert rows["taggit.tag"] == 2
    assert rows["reversion.version"] >= 1
    # Made by migrations on the target, referred to by natural key.
    assert not {"contenttypes.contenttype", "auth.permission", "sessions.session"} & set(rows)
    assert "axes.accessattempt" not in rows
    media = manifest["media"]
    assert media["count"] == len(media["files"]) == len(storage_names(default_storage))
    assert all(len(item["sha256"]) == 64 for item in media["files"])
    assert len(manifest["database"]["sha256"]) == 64
    dumped = (tmp_path / "backup" / "database.json").read_text()
    assert '"contenttypes.contenttype"' not in dumped


@pytest.mark.django_db
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("something")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("newsroom_backup", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty_unless_forced(settings, tmp_path):
    _newsroom()
    call_command("newsroom_backup", str(tmp_path / "backup"), stdout=StringIO())
    make_article(headline="Written after the backup")

    with pytest.raises(CommandError, match=r"not empty: .*articles\.article"):
        call_command("newsroom_restore", str(tmp_path / "backup"), stdout=StringIO())
    assert Article.objects.filter(headline="Written after the backup").exists()

    out = StringIO()
    call_command("newsroom_restore", str(tmp_path / "backup"), "--force", stdout=out)
    assert "Emptied the database first" in out.getvalue()
    assert not Article.objects.filter(headline="Written after the backup").exists()
    assert Article.objects.count() == 2
    # The files were already there, byte for byte.
    assert "0 written" in out.getvalue()


@pytest.mark.django_db
def test_restore_refuses_a_damaged_backup_before_changing_anything(settings, tmp_path):
    pictured = _newsroom()
    backup = tmp_path / "backup"
    call_command("newsroom_backup", str(backup), stdout=StringIO())
    _empty_database_and_media(settings.MEDIA_ROOT)
    copy = backup / "media" / pictured.lead_image.name
    copy.write_bytes(copy.read_bytes()[:-10] + b"0123456789")

    with pytest.raises(CommandError, match=r"damaged:\s+checksum differs: .*lab\.jpg"):
        call_command("newsroom_restore", str(backup), stdout=StringIO())
    assert not Article.objects.exists()
    assert _stored_bytes() == {}


@pytest.mark.django_db
def test_restore_refuses_a_folder_that_is_no_backup(tmp_path):
    with pytest.raises(CommandError, match=r"no manifest\.json"):
        call_command("newsroom_restore", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_manifest_naming_files_outside_the_backup(tmp_path):
    backup = _backup_with_manifest_edited(
        tmp_path / "backup",
        lambda manifest: manifest["media"]["files"].append(
            {"name": "../../etc/passwd", "bytes": 1, "sha256": "0"}
        ),
    )
    with pytest.raises(CommandError, match="outside the backup"):
        call_command("newsroom_restore", str(backup), stdout=StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_backup_from_migrations_this_code_lacks(tmp_path):
    backup = _backup_with_manifest_edited(
        tmp_path / "backup",
        lambda manifest: manifest["migrations"]["articles"].append("9999_from_the_future"),
    )
    with pytest.raises(CommandError, match=r"articles\.9999_from_the_future"):
        call_command("newsroom_restore", str(backup), stdout=StringIO())
