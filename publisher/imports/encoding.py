"""Text files from other tools, decoded without guessing.

Exports come in UTF-8 or in a Windows code page (windows-1256 for Arabic,
windows-1251 for Cyrillic, windows-1250 for Central European languages). Every
byte is a letter in every code page, so a code page cannot be told from the
bytes: a wrong guess would import wrong letters. So a file is read as

1. the encoding its byte order mark says (UTF-8, UTF-16);
2. else the one the user gives (`--encoding`), or the file declares (an XML
   declaration's `encoding`);
3. else UTF-8, which is refused, naming the first byte that is not UTF-8, with
   the advice to give `--encoding`.

A code page given for a file whose non-ASCII bytes are all UTF-8 is refused too:
that file is UTF-8 and reading it as a code page would garble every letter.
"""

from __future__ import annotations

import codecs

from publisher.errors import ValidationError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(content: bytes, source: str, encoding: str | None = None) -> str:
    """`content` as text (see the module's rules); `encoding` given or declared."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return _decode(content, source, name)
    if encoding is None:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"{source}: not UTF-8 (byte 0x{content[error.start]:02x} at offset {error.start});"
                " give its encoding with --encoding, for example windows-1256"
            ) from None
    codec = _codec(encoding, source)
    if codec.name not in ("utf-8", "ascii") and not content.isascii() and _is_utf8(content):
        raise ValidationError(
            f"{source}: its bytes are UTF-8, not {encoding}: read as {encoding}, every letter"
            " would be wrong (leave --encoding out, or fix the file's declaration)"
        )
    return _decode(content, source, codec.name)


def _codec(encoding: str, source: str) -> codecs.CodecInfo:
    try:
        return codecs.lookup(encoding)
    except LookupError:
        raise ValidationError(f"{source}: unknown encoding {encoding!r}") from None


def _decode(content: bytes, source: str, name: str) -> str:
    try:
        return content.decode(name)
    except UnicodeDecodeError as error:
        byte = content[error.start]
        raise ValidationError(
            f"{source}: not valid {name} (byte 0x{byte:02x} at offset {error.start})"
        ) from None


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
