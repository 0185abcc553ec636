"""Every PDF renders from local files and data only: nothing is fetched from another host."""

import pytest

from rota.pdf import _local_only, css_string


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",
    "https://example.com/logo.png",
    "file:///etc/passwd",
])
def test_pdf_fetches_nothing_from_elsewhere(url):
    with pytest.raises(ValueError, match="A PDF fetches nothing from"):
        _local_only(url)


def test_pdf_fetches_data_urls():
    assert _local_only("data:text/plain,hello")["file_obj"].read() == b"hello"


def test_css_string_escapes_quotes_and_backslashes():
    assert css_string('Say "hi" \\ bye\n') == '"Say \\"hi\\" \\\\ bye "'
