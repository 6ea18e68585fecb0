import pytest

from portal.i18n import path_in_language


@pytest.mark.parametrize(
    ("path", "language", "expected"),
    [
        ("/", "en", "/en/"),
        ("/en/", "zh-hans", "/"),
        ("/notices/?page=2", "en", "/en/notices/?page=2"),
        ("/en/notices/cases/a-b/?q=x", "zh-hans", "/notices/cases/a-b/?q=x"),
        ("/en", "zh-hans", "/"),
        ("/english-page/", "en", "/en/english-page/"),
    ],
)
def test_the_same_page_in_the_other_language_moves_only_the_prefix(path, language, expected):
    assert path_in_language(path, language) == expected
