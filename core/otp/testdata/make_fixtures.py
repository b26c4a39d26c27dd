#!/usr/bin/python3
"""Writes pyotp.json and pyqrcode.json beside this file.

The values come from Debian's python3-pyotp (2.6.0) and python3-pyqrcode
(1.2.1), an implementation independent of the Go code under test:

    apt-get install -y python3-pyotp python3-pyqrcode
    TZ=UTC /usr/bin/python3 core/otp/testdata/make_fixtures.py

pyotp 2.6.0 and the 2.8/2.9 releases Home Assistant pins agree on everything
used here (code generation, verify, strings_equal, build_uri). The tests read
the JSON only; they never run Python.
"""

import hashlib
import io
import json
import os

import pyotp
import pyqrcode
import pyqrcode.builder

HERE = os.path.dirname(os.path.abspath(__file__))
DUMMY = "FPPTH34D4E3MI2HG"
RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"


def outcome(fn):
    try:
        return fn()
    except Exception as exc:  # binascii.Error, ValueError, TypeError
        return {"error": type(exc).__name__}


def ha_svg(data):
    """The string Home Assistant's totp module puts in qr_code."""
    buf = io.BytesIO()
    pyqrcode.create(data).svg(file=buf, scale=4)
    return (
        buf.getvalue()
        .decode("ascii")
        .replace("\n", "")
        .replace('<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg"', "<svg")
    )


def totp_fixtures():
    secrets = [DUMMY, RFC_KEY, "JBSWY3DPEHPK3PXP", "jbswy3dpehpk3pxp", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF",
               "ABCDEFGHIJ", "MZXW6===", ""]
    bad = ["secret-code", " JBSWY3DPEHPK3PXP", "JBSWY3DP EHPK3PXP", "ABC", "JBSWY3DPEHPK3PX1", "AB=CDEFG"]
    times = [0, 29, 30, 59, 60, 1111111109, 1111111111, 1234567890, 1700000000, 2000000000, 20000000000]
    codes = []
    for s in secrets + bad:
        for t in times:
            codes.append({"secret": s, "time": t, "code": outcome(lambda: pyotp.TOTP(s).at(t))})

    verify = []

    def add(secret, code, t, window):
        verify.append({"secret": secret, "code": code, "time": t, "window": window,
                       "valid": outcome(lambda: bool(pyotp.TOTP(secret).verify(code, for_time=t, valid_window=window)))})

    full = str.maketrans("0123456789", "０１２３４５６７８９")
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    math = str.maketrans("0123456789", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    for s in [DUMMY, "JBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"]:
        totp = pyotp.TOTP(s)
        for base in [30 * 56666666, 1700000010]:
            step = base // 30
            for t in [step * 30 - 1, step * 30, step * 30 + 29, step * 30 + 30]:
                for off in [-2, -1, 0, 1, 2]:
                    c = totp.generate_otp(step + off)
                    for window in [0, 1]:
                        add(s, c, t, window)
                    if off == 0:
                        add(s, c, t, -1)
                        add(s, c, t, 2)
            c = totp.generate_otp(step)
            t = step * 30 + 7
            variants = [
                " " + c, c + " ", c[:3] + " " + c[3:], c[:5], c + "0", c[1:] + c[0], "", "abcdef",
                c.translate(full), c.translate(sup), c.translate(math), c.translate(arabic),
                c[:3].translate(full) + c[3:], c + "\u0301", "\u200b" + c, c.replace(c[0], "x", 1),
            ]
            if c[0] != "0":
                variants.append(chr(0x2460 + int(c[0]) - 1) + c[1:])  # circled digit
            if 10 <= int(c[:2]) <= 20:
                variants.append(chr(0x2460 + int(c[:2]) - 1) + c[2:])  # circled number: two digits
            if 21 <= int(c[:2]) <= 35:
                variants.append(chr(0x3251 + int(c[:2]) - 21) + c[2:])
            if 36 <= int(c[:2]) <= 50:
                variants.append(chr(0x32B1 + int(c[:2]) - 36) + c[2:])
            for v in variants:
                add(s, v, t, 1)
    for s in bad:
        add(s, "123456", 1700000000, 1)

    hotp = []
    for s in [RFC_KEY, DUMMY, "JBSWY3DPEHPK3PXP"] + bad[:2]:
        for n in list(range(10)) + [2**32, 2**63, 2**64 - 1]:
            hotp.append({"secret": s, "counter": n, "code": outcome(lambda: pyotp.HOTP(s).at(n))})
    hotp_verify = []
    for n in [0, 7, 2**63]:
        c = pyotp.HOTP(RFC_KEY).at(n)
        for v, cnt in [(c, n), (c, n + 1), (" " + c, n), (c.translate(full), n), (c[:5], n), (c + "1", n)]:
            hotp_verify.append({"secret": RFC_KEY, "code": v, "counter": cnt,
                                "valid": bool(pyotp.HOTP(RFC_KEY).verify(v, cnt))})

    names = ["paulus", "Test User", "", "Paulus Schoutsen", "ünïcode", "日本語ユーザー", "a:b@c.d", "Jane Doe/admin",
             "x+y=z&w?q#f%", "emoji 😀", "~_.-", "tab\there\nnewline", "quote\"'<>", "100% [ok] {x} |y| ^z `w`",
             "back\\slash", "semi;colon,comma!$()*", "\u00e9 vs e\u0301", "\u0000nul"]
    uris = []
    for s in ["JBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"]:
        for n in names:
            uris.append({"secret": s, "name": n, "uri": pyotp.TOTP(s).provisioning_uri(n, issuer_name="Home Assistant")})
    for s in ["MZXW6===", "AB CD+EF/GH", "ünï"]:
        uris.append({"secret": s, "name": "paulus", "uri": pyotp.TOTP(s).provisioning_uri("paulus", issuer_name="Home Assistant")})

    return {"totp_codes": codes, "totp_verify": verify, "hotp_codes": hotp, "hotp_verify": hotp_verify,
            "provisioning_uris": uris}


def qr_fixtures():
    examples = []
    for s, n in [("JBSWY3DPEHPK3PXP", "paulus"), ("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", "Paulus Schoutsen"),
                 ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "Jane Doe/admin"), ("FPPTH34D4E3MI2HG", "日本語ユーザー"),
                 ("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", "")]:
        uri = pyotp.TOTP(s).provisioning_uri(n, issuer_name="Home Assistant")
        examples.append({"data": uri, "svg": ha_svg(uri)})

    # Every version, at its byte capacity and one byte past the previous one.
    filler = "otpauth://totp/Home%20Assistant:user?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=Home%20Assistant"
    sweep = []
    lengths = set()
    for v in range(1, 41):
        cap = pyqrcode.tables.data_capacity[v]["H"][pyqrcode.tables.modes["binary"]]
        lengths.update([cap, cap - 1])
        if v > 1:
            lengths.add(pyqrcode.tables.data_capacity[v - 1]["H"][pyqrcode.tables.modes["binary"]] + 1)
    for n in sorted(lengths):
        data = (filler * (n // len(filler) + 1))[:n]
        q = pyqrcode.create(data)
        sweep.append({"length": n, "version": q.version, "mask": q.builder.best_mask,
                      "svg_sha256": hashlib.sha256(ha_svg(data).encode("ascii")).hexdigest()})

    # PyQRCode's path writer on a hand-made grid: the second row's only run
    # touches the right edge, which leaves the vertical offset unreset.
    grid = [[0] * 21 for _ in range(21)]
    grid[0][0:3] = [1, 1, 1]
    grid[0][5] = 1
    grid[1][18:21] = [1, 1, 1]
    grid[2][0] = 1
    grid[4][20] = 1
    grid[5][3:5] = [1, 1]
    grid[20] = [1] * 21
    buf = io.BytesIO()
    pyqrcode.builder._svg(grid, 1, buf, scale=4)
    writer = {"grid": ["".join(map(str, r)) for r in grid], "svg": buf.getvalue().decode("ascii")}

    return {"examples": examples, "sweep": sweep, "path_writer": writer}


def main():
    meta = {"generated_by": "core/otp/testdata/make_fixtures.py",
            "pyotp": "python3-pyotp 2.6.0 (Debian)", "pyqrcode": "python3-pyqrcode 1.2.1 (Debian)"}
    for name, data in [("pyotp.json", totp_fixtures()), ("pyqrcode.json", qr_fixtures())]:
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            json.dump({"meta": meta, **data}, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
