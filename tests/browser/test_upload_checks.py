"""Files are checked in the browser before anything is sent: a file over the size limit or of a kind the server
refuses is never uploaded (the choice is cleared and a message in the page's language says why); the server's
own check stays (tests/complaints/test_intake.py)."""

import pytest

from portal import demo as portal_demo

TEN_AND_A_HALF_MB = int(10.5 * 1024 * 1024)
LANGUAGES = [
    (
        "/en",
        "en-US",
        "“scan.pdf” is 10.5 MB; the limit is 10.0 MB per file. Nothing was sent",
        "“photo.heic” is not a",
        "Next",
    ),
    ("", "zh-CN", "“scan.pdf”大小为 10.5 MB，每个文件不能超过 10.0 MB。文件未上传", "“photo.heic”不是", "下一步"),
]


def _choose(page, name: str, mime: str, size: int) -> None:
    """Choose a file of `size` bytes as a person would (built in the page: quicker than sending 10 MB over)."""
    page.evaluate(
        """([name, mime, size]) => {
            const input = document.getElementById("id_attachments");
            const chosen = new DataTransfer();
            chosen.items.add(new File([new Uint8Array(size)], name, { type: mime }));
            input.files = chosen.files;
            input.dispatchEvent(new Event("change", { bubbles: true }));
        }""",
        [name, mime, size],
    )


@pytest.fixture
def site(transactional_db):
    portal_demo.load()


@pytest.mark.parametrize(("prefix", "locale", "too_large", "wrong_type", "next_label"), LANGUAGES)
def test_a_file_too_large_or_of_the_wrong_kind_is_refused_before_it_is_sent(
    site, live_server, browser, prefix, locale, too_large, wrong_type, next_label
):
    context = browser.new_context(locale=locale, viewport={"width": 360, "height": 800})
    page = context.new_page()
    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(len(request.post_data_buffer or b"")))
    page.goto(f"{live_server.url}{prefix}/complaints/new/?step=documents")
    field = page.locator("#id_attachments")
    before = len(sent)
    _choose(page, "scan.pdf", "application/pdf", TEN_AND_A_HALF_MB)
    message = page.locator("#id_attachments_browsercheck")
    assert too_large in message.text_content() and message.get_attribute("role") == "alert"
    assert page.evaluate("() => document.getElementById('id_attachments').files.length") == 0
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_attachments_browsercheck" in field.get_attribute("aria-describedby")
    field.set_input_files([{"name": "photo.heic", "mimeType": "image/heic", "buffer": b"\x00\x00\x00 ftypheic"}])
    assert wrong_type in message.text_content() and too_large not in message.text_content()
    assert len(sent) == before == 0  # choosing sent nothing
    # A file that passes clears the message; the form then sends the step as usual, with the file.
    field.set_input_files([{"name": "policy.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}])
    assert message.count() == 0 and field.get_attribute("aria-invalid") is None
    page.get_by_role("button", name=next_label).click()
    page.wait_for_load_state()
    assert len(sent) == 1 and sent[0] < 64 * 1024  # the step, with the small file only
    context.close()
