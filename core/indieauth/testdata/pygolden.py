"""Write pygolden.json: what CPython's standard library answers for the
primitives core/indieauth reproduces (urlparse and the netloc properties,
urljoin, ipaddress, str.lower, bytes.decode(errors="replace"), json.loads).
Byte strings and JSON documents are written as hex; everything else as
JSON strings (no input holds a lone surrogate).

Run with CPython 3.13 or newer from this directory:

    python3 pygolden.py > pygolden.json

Two behaviours of the newest CPython that 3.13.0 lacks are applied here so
the file describes the newest behaviour:
  * urlsplit's bracket check on the host part after the last '@'
    (_check_bracketed_netloc), with the IPvFuture version letter in either
    case;
  * IPv6Address.is_link_local looking through IPv4-mapped addresses.

Nothing in this file comes from Home Assistant; the client_id verdict is
computed from the rules as written in the behaviour spec, section 8.1.
"""

import ipaddress
import json
import random
import re
import sys
import urllib.parse as up

if sys.version_info < (3, 13):
    sys.exit("needs CPython 3.13 or newer")

_original_check_host = up._check_bracketed_host
up._check_bracketed_host = lambda hostname: None  # replaced by newest_check


def check_bracketed_host(hostname):
    if hostname[:1] in ("v", "V"):
        if not re.match(r"\A[vV][a-fA-F0-9]+\..+\Z", hostname):
            raise ValueError("IPvFuture address is invalid")
    else:
        ip = ipaddress.ip_address(hostname)
        if isinstance(ip, ipaddress.IPv4Address):
            raise ValueError("An IPv4 address cannot be in brackets")


def newest_check(url):
    """Run the newest urlsplit netloc checks on url (raise ValueError)."""
    url = url.lstrip(up._WHATWG_C0_CONTROL_OR_SPACE)
    for b in up._UNSAFE_URL_BYTES_TO_REMOVE:
        url = url.replace(b, "")
    i = url.find(":")
    if i > 0 and url[0].isascii() and url[0].isalpha():
        if all(c in up.scheme_chars for c in url[:i]):
            url = url[i + 1:]
    if url[:2] != "//":
        return
    netloc, _ = up._splitnetloc(url, 2)
    if ("[" in netloc) != ("]" in netloc):
        raise ValueError("Invalid IPv6 URL")
    if "[" in netloc and "]" in netloc:
        hostport = netloc.rpartition("@")[2]
        before, have_open, bracketed = hostport.partition("[")
        if have_open:
            if before:
                raise ValueError("Invalid IPv6 URL")
            host, _, port = bracketed.partition("]")
            if port and not port.startswith(":"):
                raise ValueError("Invalid IPv6 URL")
        else:
            host, _, port = hostport.partition(":")
        check_bracketed_host(host)


def urlparse(u, scheme=""):
    newest_check(u)
    return up.urlparse(u, scheme)


def urljoin(base, u):
    if base and u:
        newest_check(base)
        newest_check(u)
    return up.urljoin(base, u)


def link_local(a):
    if a.is_link_local:
        return True
    return a.version == 6 and a.ipv4_mapped is not None and a.ipv4_mapped.is_link_local


LOCAL = [ipaddress.ip_network(n) for n in (
    "127.0.0.0/8", "::1/128", "::ffff:127.0.0.0/104",
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8",
    "::ffff:10.0.0.0/104", "::ffff:172.16.0.0/108", "::ffff:192.168.0.0/112",
    "169.254.0.0/16", "fe80::/10", "::ffff:169.254.0.0/112")]


def local(a):
    return a.is_loopback or link_local(a) or any(a in n for n in LOCAL)


def client_id_verdict(u):
    """Spec 8.1, in this file's own words. Returns "ok", "invalid" or "crash"."""
    try:
        p = urlparse(u)
    except ValueError:
        return "invalid"
    netloc = p.netloc.lower()
    path = p.path or "/"
    if p.scheme not in ("http", "https"):
        return "invalid"
    if any(s in (".", "..") for s in path.split("/")):
        return "invalid"
    if p.fragment:
        return "invalid"
    canon = p._replace(netloc=netloc, path=path)
    if canon.username is not None:
        return "invalid"
    try:
        canon.port
    except ValueError:
        return "invalid"
    if not netloc:
        return "crash"
    host = netloc[1:-1] if netloc[0] == "[" and netloc[-1] == "]" else netloc
    try:
        a = ipaddress.ip_address(host)
    except ValueError:
        return "ok"
    return "ok" if local(a) else "invalid"


def hexs(s):
    return s.encode("utf-8", "surrogatepass").hex()


rng = random.Random(20260901)

SCHEMES = ["", "http:", "https:", "HTTP:", "hTtPs:", "ftp:", "homeassistant:", "1http:",
           "ht~tp:", "a+b-c.d:", "mailto:", "tel:"]
PREFIX = ["", "", "", " ", "\x00\t", "\n", "\x1f "]
HOSTS = ["ex.com", "EX.COM", "127.0.0.1", "10.255.255.255", "11.0.0.0", "172.16.0.0",
         "172.31.255.255", "172.32.0.0", "192.168.0.0", "192.167.0.0", "169.254.1.1", "8.8.8.8",
         "[::1]", "[::ffff:127.0.0.1]", "[::ffff:169.254.1.1]", "[::ffff:8.8.8.8]", "[fd00::1]",
         "[fc00::1]", "[fe80::1%eth0]", "[FE80::1%25ETH0]", "[2001:db8::1]", "[v1.x]", "[V1.x]",
         "[vz.x]", "[v1.]", "[127.0.0.1]", "[::1", "::1]", "[::1]x", "a[::1]", "localhost",
         "\u0391\u03a3.com", "\u0130.com", "\u2100.com", "\uff45\uff58.com", "", "01.2.3.4",
         "1.2.3", "0.0.0.0", "[::]", "[1::2::3]", "[::ffff:10.1.2.3]", "[::ffff:172.31.1.1]",
         "[::ffff:192.168.1.1]", "[::127.0.0.1]", "[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:1.2.3.4]",
         "[fe80::1%]", "[fe80::1%a%b]", "[]", "\u212a.com", "ex.com.", "[::ffff:7f00:1]",
         "[fe80::]", "[febf::1]", "[fec0::1]", "[fdff::1]", "[::ffff:127.0.0.1%x]"]
USERS = ["", "", "", "user@", "user:pass@", "@", ":@", "[::1]@", "a@b@"]
PORTS = ["", "", "", ":", ":80", ":0", ":65535", ":65536", ":0080", ":abc", ":-1", ":+80",
         ":\uff18\uff10", ":80:90", ": 80", ":00000000000000000000008"]
PATHS = ["", "", "/", "/hello", "/HELLO", "/.", "/..", "/hello/./yo", "/hello/../yo",
         "/hello/.world", "/hello./.world", "/a;b", "/a;b/c", "/.;x", "/..;x", "/%2e", "/a/b/",
         ";p", "x", "/a\tb", "//x", "/a/.", "/./", "/a b", "/\u00e9"]
QUERIES = ["", "", "?", "?a=b", "?#", "?a=/./"]
FRAGS = ["", "", "#", "#frag", "##", "#a#b"]


def random_url():
    s = rng.choice(PREFIX) + rng.choice(SCHEMES)
    if rng.random() < 0.85:
        s += "//" + rng.choice(USERS) + rng.choice(HOSTS) + rng.choice(PORTS)
    return s + rng.choice(PATHS) + rng.choice(QUERIES) + rng.choice(FRAGS)


def client_like_url():
    """Mostly plausible client_ids, so that accepted ones are well covered."""
    s = rng.choice(["http://", "https://", "HTTP://", "https://"])
    if rng.random() < 0.1:
        s += rng.choice(USERS)
    s += rng.choice(HOSTS)
    if rng.random() < 0.4:
        s += rng.choice(PORTS)
    if rng.random() < 0.7:
        s += rng.choice(PATHS)
    if rng.random() < 0.3:
        s += rng.choice(QUERIES)
    if rng.random() < 0.1:
        s += rng.choice(FRAGS)
    return s


FIXED_URLS = [
    "http://ex.com/", "https://ex.com/", "ftp://ex.com", "http://ex.com", "http://ex.com/hello/.world",
    "http://ex.com/hello./.world", "http://ex.com/.", "http://ex.com/hello/./yo",
    "http://ex.com/hello/../yo", "http://ex.com/#", "http://ex.com/#frag", "http://user@ex.com/",
    "http://user:pass@ex.com/", "http://www.home-assistant.io/", "http://[::1]", "http://127.0.0.1",
    "http://10.255.255.255", "http://172.16.0.0", "http://172.31.255.255", "http://192.168.0.0",
    "http://192.168.255.255", "http://11.0.0.0/", "http://172.32.0.0/", "http://192.167.0.0/",
    "invalid", "http://ex.com/hello", "http://EX.COM/hello", "http://EX.COM:123/HELLO",
    "http://8.8.8.8:80/", "http://[2001:db8::1]:80/", "http://[2001:db8::1]/", "http://",
    "https://", "http:///x", "http:x", "http:/x", "http://?q", "http://#", "HTTP://EX.COM",
    "http://ex.com:8123", "http://ex.com:99999", "http://ex.com:", "http://[::1]:8123/",
    "https://home-assistant.io/iOS", "https://home-assistant.io/android", "homeassistant://auth-callback",
    "http://ex.com/a%2F..%2Fb", "http://ex.com/%2e%2e/", "http://ex.com/?a=/../",
    "http://\u0391\u03a3/", "http://\u0391\u03a3:80/", "http://\u0391\u03a3.b/", "http://\u0130/",
]

urls = []
for u in FIXED_URLS + [random_url() for _ in range(800)] + [client_like_url() for _ in range(900)]:
    rec = {"in": u}
    try:
        p = urlparse(u)
    except ValueError:
        rec["err"] = True
    else:
        _, port = p._hostinfo
        try:
            p.port
            port_ok = True
        except ValueError:
            port_ok = False
        fields = dict(scheme=p.scheme, netloc=p.netloc, path=p.path, params=p.params,
                      query=p.query, fragment=p.fragment, port=port or "", port_ok=port_ok,
                      user=p.username is not None, hostname=p.hostname or "",
                      lower=p.netloc.lower())
        # Empty strings and false are the readers' defaults.
        rec.update((k, v) for k, v in fields.items() if v)
    rec["client_id"] = client_id_verdict(u)
    urls.append(rec)

BASES = ["http://127.0.0.1:8000", "http://a/b/c/d;p?q", "https://ex.com/a/b?x#", "http://ex.com",
         "http://EX.com/A/", " http://ex.com/x", "http://ex.com/..x/", "http://ex.com/a;p",
         "http://ex.com?q", "https://ex.com/a/b/c/", "http://ex.com/a/b;p?q=1"]
HREFS = ["/beer", "beer", "../x", "./", ".", "..", "?q", "#f", "//other/x", "http://other/x",
         "https:x", "hass://oauth2_redirect", "HASS://X", "//[::1", "http://[::1", ";p", "a/./b/../c",
         "../../../../x", "g;x?y#s", "/./g", "g.", ".g", "g..", "..g", "./../g", "./g/.", "g/./h",
         "g/../h", "g;x=1/./y", "g;x=1/../y", "g?y/./x", "g#s/../x", "http:g", " /x", "\t/x\n",
         "mailto:x", "//", "///x", "app:/callback", "http:", "http:?", "?", "#", ";", "/", "//a@b:c/",
         "//[v1.x]/", "//[::1]x/", "g/", "/a//b", "a//b", "../", "../..", "/..", "x\u0130", "ftp://f/x",
         "HTTP://A/B", "http:/x", "http:x/../y"]
joins = []
for b in BASES:
    for h in HREFS:
        rec = {"base": b, "href": h}
        try:
            rec["out"] = urljoin(b, h)
        except ValueError:
            rec["err"] = True
        joins.append(rec)

IPS = ["127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "01.0.0.1", "1.2.3", "1.2.3.4.5",
       "1..2.3", "", "::", "::1", "1::", "::ffff:1.2.3.4", "::ffff:127.0.0.1", "1:2:3:4:5:6:7:8",
       "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::2", "1::2:", "::1:2:3:4:5:6:7", "1:2:3:4:5:6:7::",
       "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4", "1.2.3.4::", "fe80::1%eth0",
       "fe80::1%", "fe80::1%a%b", "12345::", "::g", "FD00::1", "fe80::", "fec0::", "2001:db8::1",
       "::ffff:10.0.0.1", "::ffff:169.254.0.1", "::ffff:172.16.0.1", "::ffff:192.168.0.1",
       "::ffff:8.8.8.8", "::127.0.0.1", "0:0:0:0:0:ffff:7f00:1", "1.2.3.4%x", "::ffff:01.2.3.4",
       " ::1", "::1 ", "[::1]", "1:2:3:4:5:6:7:8%z", "::%x", "0000:0000:0000:0000:0000:0000:255.255.255.255",
       "::ffff:255.255.255.255", "169.254.0.0", "169.255.0.0", "172.15.255.255", "10.0.0.0",
       "9.255.255.255", "192.168.255.255", "192.169.0.0", "126.255.255.255", "128.0.0.0"]
for _ in range(600):
    parts = [rng.choice(["", "0", "1", "ff", "ffff", "10000", "fe80", "fd00", "127.0.0.1", "x",
                         "192.168.1.1", "00ff"]) for _ in range(rng.randint(1, 10))]
    IPS.append(":".join(parts) + rng.choice(["", "", "%s", "%"]))
ips = []
for s in IPS:
    rec = {"in": s}
    try:
        a = ipaddress.ip_address(s)
    except ValueError:
        rec["ok"] = False
    else:
        rec.update(ok=True, v4=a.version == 4, packed=a.packed.hex(), local=local(a))
    ips.append(rec)

LOWER = ["ABC", "\u0391\u03a3", "\u0391\u03a3.", "\u0391\u03a3:8", "\u0391\u03a3b", "\u03a3",
         "a\u03a3", "a'\u03a3", "a\u03a3'", "a\u03a3'b", "a\u0301\u03a3", "\u0130", "\u0130X",
         "\u212a", "\u1e9e", "\u01c5", "A\u03a3\u00b7B", "A\u03a3\u2019", "\u2160\u03a3", "\u00aa\u03a3",
         "\u03a3\u03a3", "A\u03a3\u03a3", "A\u03a3\u03a3B", "\u0041\u03a3\u0345", "\u10a0", "\u13a0",
         "\U00010400", "\u024e", "\u2c2f", "\ua7c0"]
for _ in range(400):
    LOWER.append("".join(rng.choice(["A", "b", "\u03a3", ".", "'", "\u0301", "\u0130", "1", ":",
                                     "\u00b7", "\u0345", "\u2160", "\u00aa", "\u02b0", "\u1e9e"])
                         for _ in range(rng.randint(1, 6))))
lowers = [{"in": s, "out": s.lower()} for s in LOWER]

DEC = [b"", b"abc", b"\xe2\x82", b"\xe2\x82A", b"\xe0\x80", b"\xf0\x80\x80\x80", b"\xed\xa0\x80",
       b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xf5", b"\xff\xfe", b"\xf0\x9f\x98", b"\xf0\x9f\x98\x80",
       b"\xc3", b"\xc3\xa9", b"\x80\x80", b"\xe1\x80\xe1\x80\x80"]
for _ in range(600):
    DEC.append(bytes(rng.choice([0x41, 0x80, 0xbf, 0xc2, 0xc0, 0xe0, 0xed, 0xef, 0xa0, 0x9f, 0xf0,
                                 0xf4, 0x90, 0x8f, 0xff]) for _ in range(rng.randint(1, 8))))
decodes = [{"in": b.hex(), "out": hexs(b.decode("utf-8", errors="replace"))} for b in DEC]


def reject_constant(c):
    raise ValueError(c)


JSONS = ['{}', '[]', '"x"', '{"client_id": "https://ex.com/c", "redirect_uris": ["https://ex.com/cb"]}',
         '{"client_id": 1}', '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": 1e999}',
         '{"a": 01}', '{"a": 1.}', '{"a": .5}', '{"a": -}', '{"a": 1e}', '{"a": 1e+}', '{"a": 1E-2}',
         '{"a": "\\u00e9"}', '{"a": "\\ud800"}', '{"a": "\\ud83d\\ude00"}', '{"a": "\\ud83d\\u0041"}',
         '{"a": "\\ud83d\\uzzzz"}', '{"a": "\\x"}', '{"a": "\t"}', '{"a": "\x7f"}', '{"a":1,}',
         '{"a":1 "b":2}', '{"a" 1}', '{a:1}', ' {"a" : [ 1 , 2 ] } ', '{"a":[1,]}', '{"a":tru}',
         '{"a":true,"b":false,"c":null}', '\ufeff{}', '{"a":1}x', '{"a":1}\n', '{"a":"\\/"}',
         '{"client\\u005fid":"x"}',
         '{"a":"\\uD834\\uDD1E"}', '{"a":"\\u"}', '{"a":"\\u12"}', '{"a":[[[[]]]]}', '{"a":{"b":{}}}',
         '{"a":"x\\"y"}', '{"a":-0}', '{"a":-0.0e-0}', '{"a":+1}', "{'a':1}", '{"a":"\\ud800\\udc00"}',
         '{"a":"\\udc00\\ud800"}', '{"a":[1 2]}', '{"a":{"b"}}', '{"a":{"b":1,}}', '{"":1}', '\x00{}']
for _ in range(500):
    s = rng.choice(JSONS[:4] + ['{"a": [1, "b", {"c": null}], "d": -1.5e3}'])
    s = list(s)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(s) + 1)
        op = rng.random()
        ch = rng.choice(list('{}[]",:\\ 0-1.eE+tfnaNu\t\x01') + ["\u00e9"])
        if op < 0.4 and s:
            del s[min(i, len(s) - 1)]
        elif op < 0.8:
            s.insert(i, ch)
        elif s:
            s[min(i, len(s) - 1)] = ch
    JSONS.append("".join(s))
jsons = []
for s in JSONS:
    s = s.replace('"a"', '"client_id"')
    rec = {"in": hexs(s)}
    try:
        doc = json.loads(s, parse_constant=reject_constant)
    except ValueError:
        rec["ok"] = False
    else:
        rec["ok"] = True
        rec["object"] = isinstance(doc, dict)
        if isinstance(doc, dict):
            v = doc.get("client_id")
            if isinstance(v, str):
                rec["client_id"] = hexs(v)
    jsons.append(rec)

out = sys.stdout
out.write('{"python": %s' % json.dumps(sys.version.split()[0]))
for name, records in (("urls", urls), ("joins", joins), ("ips", ips), ("lowers", lowers),
                      ("decodes", decodes), ("jsons", jsons)):
    out.write(',\n"%s": [\n' % name)
    out.write(",\n".join(json.dumps(r, sort_keys=True, separators=(",", ":")) for r in records))
    out.write("\n]")
out.write("}\n")
