"""The speed benchmark: seeding a large newsroom, measuring it, the ceiling.

``make bench`` runs ``python -m bench.run``; the seeder is also available as
``manage.py seed_bench`` and the per-page query counts as ``manage.py
bench_pages``. Nothing here is imported by the product itself.
"""
