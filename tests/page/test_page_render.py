"""Rendering the page's files: canonical bytes, relative URLs, the configuration, the CSP."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from schools import riyadh_school

from publisher.config import PublishSettings
from publisher.page import (
    LAYOUT,
    TIMING,
    asset_build_hash,
    asset_files,
    render_index,
    render_service_worker,
)
from publisher.page.build import current_page_build
from publisher.publish import plan_school, plan_shared_objects

KEY = "q2N8f0aZbWc3Yk5Lr7Tx9A"


class Scripts(HTMLParser):
    """The <script> elements of a page and the attributes of <html> and CSP <meta>."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.html: dict[str, str | None] = {}
        self.csp = ""
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self._open = attributes
            self.scripts.append((attributes, ""))
        elif tag == "html":
            self.html = attributes
        elif tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.csp = attributes.get("content") or ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def parse(page: bytes) -> Scripts:
    parser = Scripts()
    parser.feed(page.decode("utf-8"))
    return parser


def test_assets_are_the_site_folders_with_a_small_self_hosted_font() -> None:
    files = asset_files()
    assert {
        "js/main.js",
        "js/schedule.js",
        "js/backoff.js",
        "js/clock.js",
        "js/format.js",
        "js/net.js",
        "js/store.js",
        "js/render.js",
        "css/screen.css",
        "fonts/OFL.txt",
    } <= set(files)
    fonts = {path: data for path, data in files.items() if path.endswith(".woff2")}
    assert len(fonts) == 4  # Arabic and Latin subsets, regular and bold
    assert all(data[:4] == b"wOF2" for data in fonts.values())
    assert sum(len(data) for data in fonts.values()) < 300_000
    assert b"SIL Open Font License" in files["fonts/OFL.txt"]


def test_every_module_is_type_checked_and_imports_explicit_relative_paths() -> None:
    for path, data in asset_files().items():
        if path.startswith("js/"):
            source = data.decode()
            assert source.startswith("// @ts-check\n"), path
            for target in re.findall(r'from "([^"]+)"', source):
                assert re.fullmatch(r"\./[a-z]+\.js", target), (path, target)


def test_the_build_hash_covers_every_path_and_byte() -> None:
    files = asset_files()
    build = asset_build_hash(files)
    assert re.fullmatch(r"[0-9a-f]{16}", build)
    assert asset_build_hash(dict(reversed(list(files.items())))) == build
    assert asset_build_hash({**files, "js/main.js": files["js/main.js"] + b" "}) != build
    renamed = {("js/x.js" if p == "js/main.js" else p): d for p, d in files.items()}
    assert asset_build_hash(renamed) != build


@pytest.mark.parametrize(("locale", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_index_is_canonical_relative_and_configured(locale: str, direction: str) -> None:
    page = render_index(KEY, locale, "0123456789abcdef", None)
    assert render_index(KEY, locale, "0123456789abcdef", None) == page
    parsed = parse(page)
    assert parsed.html == {"lang": locale, "dir": direction}
    (config_attrs, config_text), (module_attrs, module_text) = parsed.scripts
    assert config_attrs == {"type": "application/json", "id": "config"}
    assert module_attrs == {"type": "module", "src": "../../assets/0123456789abcdef/js/main.js"}
    assert module_text == ""
    config = json.loads(config_text)
    assert config == {
        "school_key": KEY,
        "locale": locale,
        "build": "0123456789abcdef",
        "manifest_url": "./manifest.json",
        "service_worker_url": "../../sw.js",
        "school_name": "",
        "timezone": None,
        **TIMING,
        **LAYOUT,
    }
    assert b'href="../../assets/0123456789abcdef/css/screen.css"' in page
    assert re.search(rb"\d{4}-\d{2}-\d{2}T", page) is None  # no timestamp


def test_content_security_policy_allows_only_this_origin_and_no_inline_script() -> None:
    csp = parse(render_index(KEY, "ar", "0123456789abcdef", None)).csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["font-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in csp


def test_a_public_url_makes_every_url_absolute() -> None:
    page = render_index(KEY, "en", "0123456789abcdef", "https://screens.example.org/v1/")
    parsed = parse(page)
    config = json.loads(parsed.scripts[0][1])
    assert config["manifest_url"] == f"https://screens.example.org/v1/schools/{KEY}/manifest.json"
    assert config["service_worker_url"] == "https://screens.example.org/v1/sw.js"
    assert parsed.scripts[1][0]["src"] == (
        "https://screens.example.org/v1/assets/0123456789abcdef/js/main.js"
    )
    assert "script-src 'self' https://screens.example.org;" in parsed.csp
    # A school's logo lives beside its manifest, on the public origin.
    assert "img-src 'self' https://screens.example.org data:;" in parsed.csp


def test_configuration_is_escaped_json_not_markup() -> None:
    page = render_index("</script><script>alert(1)</script>", "en", "0123456789abcdef", None)
    parsed = parse(page)
    assert len(parsed.scripts) == 2
    assert json.loads(parsed.scripts[0][1])["school_key"] == "</script><script>alert(1)</script>"


def test_unsupported_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale 'fr'"):
        render_index(KEY, "fr", "0123456789abcdef", None)


def test_service_worker_precaches_its_build_and_is_canonical() -> None:
    worker = render_service_worker("0123456789abcdef")
    assert render_service_worker("0123456789abcdef") == worker
    text = worker.decode()
    assert 'const BUILD = "0123456789abcdef";' in text
    for path in asset_files():
        assert f'"assets/0123456789abcdef/{path}"' in text


def test_a_publish_plans_every_page_object_assets_first() -> None:
    page, settings = current_page_build(), PublishSettings()
    build = asset_build_hash(asset_files())
    shared = plan_shared_objects(page, {}, settings)
    assert [w.key for w in shared] == [
        *(f"assets/{build}/{p}" for p in sorted(asset_files())),
        "sw.js",
    ]
    assert shared[-1].content == render_service_worker(build)
    school = riyadh_school(key=KEY)
    writes = {w.key: w.content for w in plan_school(school, [], {}, settings, page).writes}
    assert writes[f"schools/{KEY}/index.html"] == render_index(
        KEY, "ar", build, None, school.name, school.timezone
    )
