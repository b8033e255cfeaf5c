"""The scale-out tests run against servers that ``.ci/two-servers`` starts."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "scale: needs the two app servers, proxy, Redis and S3 server of .ci/two-servers "
        "(skipped unless NEWSROOM_TWO_SERVERS is set)",
    )
