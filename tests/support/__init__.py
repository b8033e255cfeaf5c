"""Helpers the tests share: record builders, admin form posts, feed and image checks."""
