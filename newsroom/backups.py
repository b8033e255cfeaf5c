"""Backups of the whole newsroom: the database and every stored file, in one folder.

A backup folder holds ``manifest.json`` (when, by which Django, at which
migrations, how many rows of each model, and a SHA-256 for every file),
``database.json`` (``dumpdata`` with natural foreign keys) and ``media/``
(every file of the default storage, under its stored name). The format is the
same whatever the database, so a backup of SQLite restores into PostgreSQL
and back. See docs/backups.md.

What is kept: the project's own apps (found by where they live, so this
machinery names none of them), staff accounts and roles, tags and the
revision history. Content types and permissions are not kept: migrations
make them on the target, and every reference to one is written by its
natural key (``["articles", "article"]``), never by a number that differs
between databases. Sessions, sign-in attempts, task results and the admin's
action log are left out: they describe the running site, not the newsroom.

Primary keys are kept as they are: revisions store the ids of the records
they describe, so a restore that renumbered stories would attach their
histories to the wrong ones.
"""

import datetime
import hashlib
import json
import platform
import posixpath
import shutil
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "newsroom-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "database.json"
MEDIA_FOLDER = "media"
# Besides the project's own apps. Users and groups, not permissions: those
# come from migrations and are referred to by natural key.
THIRD_PARTY_LABELS = ("auth.user", "auth.group", "taggit", "reversion")
# Rows that migrations themselves create on an empty database (the role
# groups), so they do not make a database "not empty"; the restore replaces
# them with the backup's.
MIGRATION_MADE = frozenset({"auth.group"})
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or restore cannot go ahead, in words for the operator."""


def project_app_labels():
    """Labels of the apps that live in this project's own folder, not in a package."""
    base = Path(settings.BASE_DIR).resolve()
    return [config.label for config in apps.get_app_configs() if Path(config.path).parent == base]


def backup_labels():
    return [*project_app_labels(), *THIRD_PARTY_LABELS]


def models_for(labels):
    """The concrete models that ``dumpdata`` writes for these labels, in label order."""
    found = []
    for label in labels:
        if "." in label:
            found.append(apps.get_model(label))
        else:
            found.extend(apps.get_app_config(label).get_models())
    return [model for model in found if model._meta.managed and not model._meta.proxy]


def row_counts(labels, *, using=DEFAULT_DB_ALIAS):
    return {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in models_for(labels)
    }


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def stored_sha256(storage, name):
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def storage_names(storage, folder=""):
    """Every file name in ``storage``, walked with ``listdir``, sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local media folder that was never made
        return []
    names = [posixpath.join(folder, name) if folder else name for name in files]
    for sub in folders:
        names.extend(storage_names(storage, posixpath.join(folder, sub) if folder else sub))
    return sorted(names)


def applied_migrations(*, using=DEFAULT_DB_ALIAS):
    """``{app label: [migration names]}`` recorded as applied in the database."""
    applied = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {label: sorted(names) for label, names in sorted(applied.items())}


def safe_relative_name(name):
    """A stored name from a manifest, refused if it could leave the backup folder."""
    if (
        not isinstance(name, str)
        or not name
        or name.startswith("/")
        or "\\" in name
        or posixpath.normpath(name) != name
        or name.split("/")[0] == ".."
    ):
        raise BackupError(f"The manifest names a file outside the backup: {name!r}.")
    return name


def newsroom_backup(*, folder, using=DEFAULT_DB_ALIAS, storage=None, now=None):
    """Write a backup into ``folder`` (new or empty); return the manifest."""
    storage = storage or default_storage
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not an empty folder; back up into a new one.")
    folder.mkdir(parents=True, exist_ok=True)
    labels = backup_labels()
    database_path = folder / DATABASE_NAME
    # One read transaction, so the rows and their counts agree even while
    # editors keep working (a snapshot on PostgreSQL).
    with transaction.atomic(using=using):
        counts = row_counts(labels, using=using)
        call_command(
            "dumpdata",
            *labels,
            database=using,
            natural_foreign=True,
            use_base_manager=True,
            output=str(database_path),
            verbosity=0,
        )
        migrations = applied_migrations(using=using)
    media = []
    for name in storage_names(storage):
        target = folder / MEDIA_FOLDER / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        media.append({"name": name, "bytes": target.stat().st_size, "sha256": file_sha256(target)})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": (now or datetime.datetime.now(datetime.UTC)).isoformat(),
        "django_version": django.get_version(),
        "python_version": platform.python_version(),
        "database_vendor": connections[using].vendor,
        "migrations": migrations,
        "database": {
            "file": DATABASE_NAME,
            "labels": labels,
            "bytes": database_path.stat().st_size,
            "sha256": file_sha256(database_path),
            "rows": counts,
        },
        "media": {
            "folder": MEDIA_FOLDER,
            "count": len(media),
            "bytes": sum(item["bytes"] for item in media),
            "files": media,
        },
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def manifest_read(folder):
    path = Path(folder) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} holds no {MANIFEST_NAME}: is it a newsroom backup?") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not readable JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a newsroom backup manifest.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {manifest.get('format_version')}; "
            f"this code reads version {FORMAT_VERSION}."
        )
    return manifest


def backup_verify(folder, manifest):
    """Problems with the backup's own files (missing, wrong size or checksum)."""
    folder = Path(folder)
    expected = [(folder / manifest["database"]["file"], manifest["database"])]
    media_folder = folder / manifest["media"]["folder"]
    for item in manifest["media"]["files"]:
        expected.append((media_folder / safe_relative_name(item["name"]), item))
    problems = []
    for path, item in expected:
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif path.stat().st_size != item["bytes"] or file_sha256(path) != item["sha256"]:
            problems.append(f"checksum differs: {path}")
    return problems


def migration_problems(manifest, *, using=DEFAULT_DB_ALIAS):
    """(errors, warnings) about the target's migrations against the backup's."""
    connection = connections[using]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    errors, warnings = [], []
    if plan:
        errors.append(
            f"The database lacks {len(plan)} migration(s): run `manage.py migrate` first."
        )
    here = {(app, name) for app, names in applied_migrations(using=using).items() for name in names}
    there = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    if missing := sorted(there - here):
        errors.append(
            "The backup was made at migrations this database lacks (deploy that code first): "
            + ", ".join(f"{app}.{name}" for app, name in missing)
        )
    if newer := sorted(here - there):
        warnings.append(
            "This database has migrations the backup predates; fields added since take "
            "their defaults: " + ", ".join(f"{app}.{name}" for app, name in newer)
        )
    return errors, warnings


def rows_present(labels, *, using=DEFAULT_DB_ALIAS):
    """Rows that make the database not empty: ``{model label: count}``, zeros left out."""
    counts = row_counts(labels, using=using)
    return {label: n for label, n in counts.items() if n and label not in MIGRATION_MADE}


def media_conflicts(manifest, storage):
    """(names stored with other bytes than the backup's, names already stored as backed up)."""
    different, same = [], []
    for item in manifest["media"]["files"]:
        name = safe_relative_name(item["name"])
        if storage.exists(name):
            if stored_sha256(storage, name) == item["sha256"]:
                same.append(name)
            else:
                different.append(name)
    return different, same


def newsroom_restore(*, folder, force=False, using=DEFAULT_DB_ALIAS, storage=None):
    """Restore the backup in ``folder``; return a report dict of what was done.

    Refuses, before changing anything, a backup whose files fail their
    checksums, a database whose migrations do not match, and (unless
    ``force``) a database that holds any newsroom rows or stored files that
    differ from the backup's. With ``force`` the database is emptied first,
    so it ends up exactly as backed up. The database part is one
    transaction: it lands whole or not at all.
    """
    storage = storage or default_storage
    folder = Path(folder)
    manifest = manifest_read(folder)
    if problems := backup_verify(folder, manifest):
        raise BackupError("The backup is damaged:\n  " + "\n  ".join(problems))
    errors, warnings = migration_problems(manifest, using=using)
    if errors:
        raise BackupError("\n".join(errors))
    labels = manifest["database"]["labels"]
    present = rows_present(labels, using=using)
    different, same = media_conflicts(manifest, storage)
    if not force:
        if present:
            listed = ", ".join(f"{label} ({n})" for label, n in sorted(present.items()))
            raise BackupError(
                f"The database is not empty: {listed}. Restore into an empty, migrated "
                "database, or pass --force to replace everything in it."
            )
        if different:
            raise BackupError(
                f"{len(different)} stored file(s) differ from the backup's copies "
                f"(first: {different[0]}); pass --force to overwrite them."
            )
    connection = connections[using]
    with transaction.atomic(using=using):
        # Fire any deferred constraint checks now: PostgreSQL refuses to
        # TRUNCATE a table that still has them pending in this transaction.
        connection.check_constraints()
        # Empties every table and makes content types and permissions anew;
        # the role groups the migrations made are replaced by the backup's.
        call_command("flush", database=using, interactive=False, verbosity=0)
        call_command(
            "loaddata", str(folder / manifest["database"]["file"]), database=using, verbosity=0
        )
        loaded = row_counts(labels, using=using)
        expected = manifest["database"]["rows"]
        # More rows than backed up is no loss: the database itself may add
        # some as stories arrive (PostgreSQL's search documents, by trigger).
        if short := {
            label: (loaded.get(label, 0), n)
            for label, n in expected.items()
            if loaded.get(label, 0) < n
        }:
            raise BackupError(
                "Rows restored fall short of the backup's counts (nothing was changed): "
                + ", ".join(f"{label} {got} of {want}" for label, (got, want) in short.items())
            )
    added = {
        label: n - expected.get(label, 0)
        for label, n in loaded.items()
        if n > expected.get(label, 0)
    }
    written = []
    media_folder = folder / manifest["media"]["folder"]
    for item in manifest["media"]["files"]:
        name = item["name"]
        if name in same:
            continue
        if storage.exists(name):
            storage.delete(name)
        with open(media_folder / name, "rb") as handle:
            stored = storage.save(name, File(handle, name=posixpath.basename(name)))
        if stored != name:
            raise BackupError(f"The storage saved {name} as {stored}; the database names {name}.")
        written.append(name)
    damaged = [
        item["name"]
        for item in manifest["media"]["files"]
        if stored_sha256(storage, item["name"]) != item["sha256"]
    ]
    if damaged:
        raise BackupError(
            f"{len(damaged)} file(s) read back from storage fail their checksum "
            f"(first: {damaged[0]}); the database was restored."
        )
    return {
        "manifest": manifest,
        "rows": loaded,
        "files_written": len(written),
        "files_unchanged": len(same),
        "replaced_rows": present,
        "added_by_database": added,
        "warnings": warnings,
    }


def human_bytes(size):
    """``1.5 MB`` and the like, for reports."""
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
