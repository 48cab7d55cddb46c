"""What a webhook address must look like, checked the same way when it is saved and before
each attempt: an address Python's HTTP client cannot call fails its own delivery with a reason,
never the dispatch of the others."""

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

import idna

# Short English reasons, written into the delivery log; the forms show translated messages.
NOT_A_WEB_ADDRESS = "not an http(s) address with a host name"
BAD_CHARACTERS = "the address contains spaces or control characters"
CREDENTIALS = "the address contains a user name or password"
BAD_PORT = "the port is not a number from 1 to 65535"
BAD_HOST = "the host name is not a valid domain name or IP address"
MALFORMED = (NOT_A_WEB_ADDRESS, BAD_CHARACTERS, CREDENTIALS, BAD_PORT, BAD_HOST)

MAX_HOST_LENGTH = 253
# Categories of characters that have no place in an address: controls, format characters
# (invisible joiners, bidirectional overrides), surrogates, line and paragraph separators.
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# A last label of digits (or hex) is no domain: top-level domains are never numeric, and
# resolvers read "127.1" or "0x7f.1" as IP addresses in shorthand.
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)


def is_https(url):
    """Of an address ``malformed`` accepted."""
    return urlsplit(url).scheme == "https"


def malformed(url):
    """Why ``url`` cannot be a webhook address (one of ``MALFORMED``), or None.

    Strict where Python's URL parsing is lenient: ``urlsplit`` accepts a port of letters, a
    port beyond 65535, credentials and spaces, which only fail (with an exception of their own)
    when a request is built. The scheme may be http or https here; whether plain http is
    allowed is the form's rule."""
    if not isinstance(url, str) or any(
            character.isspace() or unicodedata.category(character) in _UNPRINTABLE
            for character in url):
        return BAD_CHARACTERS
    try:
        parts = urlsplit(url)
    except ValueError:  # brackets that do not hold an IP address
        return BAD_HOST
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return NOT_A_WEB_ADDRESS
    if "@" in parts.netloc:
        return CREDENTIALS
    host, port, bracketed = _host_and_port(parts.netloc)
    if not host:
        return NOT_A_WEB_ADDRESS
    if port is not None and not (port.isascii() and port.isdigit()
                                 and 1 <= int(port) <= 65535):
        return BAD_PORT
    if not _valid_host(host, bracketed):
        return BAD_HOST
    return None


def _host_and_port(netloc):
    """(host, port text or None, whether the host was in brackets)."""
    if netloc.startswith("["):
        end = netloc.find("]")
        host, rest = netloc[1:end], netloc[end + 1:]
        if not rest:
            return host, None, True
        return host, (rest[1:] if rest.startswith(":") else ""), True
    host, separator, port = netloc.partition(":")
    return host, (port if separator else None), False


def _valid_host(host, bracketed):
    if bracketed:
        try:
            return ipaddress.ip_address(host.split("%", 1)[0]).version == 6
        except ValueError:
            return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return True
    name = host[:-1] if host.endswith(".") else host
    if not name or _NUMERIC_LABEL.fullmatch(name.rsplit(".", 1)[-1]):
        return False
    try:
        encoded = idna.encode(name, uts46=True)
    except (idna.IDNAError, UnicodeError):
        return False
    return len(encoded) <= MAX_HOST_LENGTH
