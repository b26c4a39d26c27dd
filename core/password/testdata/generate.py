#!/usr/bin/python3
"""Regenerate the Python reference data for core/password's tests.

Run from core/password with Debian's interpreter and bcrypt package
(apt-get install -y python3-bcrypt):

    /usr/bin/python3 testdata/generate.py

It rewrites three files under testdata/:

  bcrypt_python.json     hashes made by pyca/bcrypt the way the homeassistant
                         provider makes them: hashpw(password.encode()[:72],
                         gensalt(rounds)), rounds 12 as in Home Assistant for
                         four of them and 4 or 5 for the rest; a few with the
                         $2a$ and $2y$ prefixes.
                         Salts are random, so every run writes new hashes.
  whitespace_python.json every code point for which str.isspace() is true
                         (the set str.strip() removes).
  casefold_python.json   every code point whose str.casefold() differs from
                         itself, and a list of usernames with their
                         strip().casefold() (fixed cases plus strings drawn
                         from a seeded generator, so that part is stable).

The Go tests only read these files; they never run Python.
"""

import json
import random
import sys
import unicodedata

import bcrypt


def meta():
    return {
        "generator": "testdata/generate.py",
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "bcrypt": bcrypt.__version__,
    }


def ha_hash(password, rounds=12, prefix=b"2b"):
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds, prefix)).decode()


def bcrypt_vectors():
    cases = [
        ("ascii", "test-pass"),
        ("empty", ""),
        ("latin1", "pässwörd"),
        ("cjk_emoji", "密码🔑パスワード"),
        ("exactly_72", "x" * 72),
        ("ascii_144", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()" * 2),
        # 71 ASCII bytes then a 2-byte character: the 72-byte cut splits it.
        ("split_utf8", "a" * 71 + "é" + "tail"),
        # 3-byte characters only: 72 bytes is exactly 24 of them.
        ("cjk_long", "鍵" * 40),
    ]
    out = []
    # Home Assistant's cost for the cases that matter most; cost 4 for the
    # rest keeps the Go tests fast.
    for name, pw in cases:
        rounds = 12 if name in ("ascii", "empty", "cjk_emoji", "ascii_144") else 4
        out.append({"name": name, "password": pw, "hash": ha_hash(pw, rounds)})
    out.append({"name": "prefix_2a", "password": "test-pass", "hash": ha_hash("test-pass", 5, b"2a")})
    # pyca/bcrypt keeps a $2y$ prefix given to hashpw and hashes as for $2b$.
    salt = b"$2y$" + bcrypt.gensalt(5)[4:]
    out.append({"name": "prefix_2y", "password": "test-pass",
                "hash": bcrypt.hashpw(b"test-pass", salt).decode()})
    for v in out:
        assert bcrypt.checkpw(v["password"].encode()[:72], v["hash"].encode())
    return out


def whitespace():
    return [c for c in range(0x110000) if chr(c).isspace()]


def fold_table():
    table = []
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        f = ch.casefold()
        if f != ch:
            table.append([c, f])
    return table


FIXED = [
    "", "   ", "test-user", " test-user ", "TEST-user ", "test-UsEr", "Test User",
    "\t\n\x0b\x0c\rname\r\n", "\x1c\x1d\x1e\x1fname\x1f", "\x85name\xa0",
    "\u3000name\u2028\u2029", "\u200bname\u200b", "\ufeffname", "\u180ename",
    "a b", "a\u3000b", "Straße", "STRASSE", "ß", "ẞ", "İstanbul", "ı", "ſ", "ﬁle",
    "ΣΑΣ", "ΌΣΟΣ", "ς", "ᾈ", "ŉ", "ǰ", "ΐ", "\u212a\u212b\u2126", "ÅNGSTRÖM",
    "Ꭰꭰᏸ", "\U00010400\U00010428", "\U0001e900", "\u1c90", "Ⓐ", "ＡＢＣ",
    "e\u0301", "E\u0301", "\u0345", "ǅ", "Ǆ", "ǆ", "🙂User", "用户", "ÿŸ",
]

POOLS = [
    "abcxyzABCXYZ019-_.@",
    " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000",
    "\u200b\ufeff\u180e\u2060",
    "ßẞİıſﬁﬀﬃŉǰΐΰςΣσᾈᾼῼ\u212a\u212b\u2126",
    "ÀÉÎÕÜàéîõüĀāŁłŒœǅǄǆ",
    "ᎠᏴᏸꭰꮿ\u1c90\u1cbf\u10d0",
    "\U00010400\U00010428\U0001e900\U0001e922\U000104b0",
    "\u0301\u0307\u0345\u0308",
    "用户名🙂ＡＢＣａｂｃ",
]


def usernames():
    rng = random.Random(20250614)
    out = list(FIXED)
    for _ in range(600):
        n = rng.randint(0, 12)
        out.append("".join(rng.choice(rng.choice(POOLS)) for _ in range(n)))
    return [{"in": s, "out": s.strip().casefold()} for s in out]


def write(name, obj):
    with open("testdata/" + name, "w", encoding="ascii") as f:
        json.dump(obj, f, ensure_ascii=True, indent=1)
        f.write("\n")


write("bcrypt_python.json", {**meta(), "vectors": bcrypt_vectors()})
write("whitespace_python.json", {**meta(), "code_points": whitespace()})
write("casefold_python.json", {**meta(), "code_points": fold_table(), "usernames": usernames()})
