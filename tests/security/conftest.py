def pytest_collection_modifyitems(items):
    import pytest

    for item in items:
        if "tests/security/test_xss_browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
