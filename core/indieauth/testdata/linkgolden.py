"""Write linkgolden.json (bodies that are not UTF-8 as hex): the <link rel="redirect_uri"> hrefs that CPython's
HTMLParser finds in generated pages, with Home Assistant's rule applied (tag
"link", rel exactly "redirect_uri", non-empty href, last duplicate attribute
wins; the page decoded with errors="replace" and fed once, never closed).

    python3 linkgolden.py > linkgolden.json
    python3 linkgolden.py path/to/parser.py > linkgolden.json

The HTMLParser must be the newest form (it takes a "scripting" argument).
An interpreter that predates it can be given the newest Lib/html/parser.py
as the argument. svg and math are never generated: this package does not
model foreign content (see RATIONALE.md).
"""

import importlib.util
import inspect
import json
import random
import sys

if len(sys.argv) > 1:
    spec = importlib.util.spec_from_file_location("newest_html_parser", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    HTMLParser = module.HTMLParser
else:
    from html.parser import HTMLParser
if "scripting" not in inspect.signature(HTMLParser.__init__).parameters:
    sys.exit("this HTMLParser predates the newest one; pass its parser.py")


class LinkFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            values = dict(attrs)
            href = values.get("href")
            if values.get("rel") == "redirect_uri" and href:
                self.found.append(href)


def hrefs(body):
    finder = LinkFinder()
    finder.feed(body.decode(errors="replace"))
    return finder.found


rng = random.Random(20260902)
NOISE = ['<script>', '</script>', '</script ', '<script/>', '<!--', '-->', '--!>', '<!-->', '<!--->',
         '<noscript>', '</noscript>', '<title>', '</title>', '<textarea>', '</textarea>', '<style>',
         '</style>', '<xmp>', '</xmp>', '<![CDATA[', ']]>', '<plaintext>', 'x', '<', '</', '<!', '<?',
         '<!doctype html>', '<a>', '</a>', '&', '<p', '<iframe>', '</iframe>', '<noembed>', '</noembed>',
         '<noframes>', '<template>', '< ', ' ', '\n', '"', "'", '>', '/>', '<SCRIPT>', '</SCRIPT>',
         '<script type="x">', '</scriptx>', '</script\t>', '<div class="a>b">', '<?xml?>', '</ p>', '</>',
         '<!-- <link rel=redirect_uri href=/c> -->']
NAMES = ['link', 'LINK', 'Link', 'lin\u212a', 'linkx', 'a', 'lin']
SPACES = [' ', '  ', '\t', '\n', '\r', '\f', '/', ' / ']
RELS = ['redirect_uri', 'Redirect_uri', 'redirect_uri ', 'redirect&lowbar;uri', 'redirect&#95;uri', 'other',
        '', 'redirect_uri&amp;', 'redirect_ur']
HREFS = ['/a', 'b', 'hass://x', '', ' ', '/a?x=1&amp;y', '/a?x&copy=2', '/&#x41;', '/&#1;z', '/&#128;',
         '/a\rb', '/\xff', '&notit;', '&amp', '/a>b', "/a'b", '/a"b', '//[::1', '&#0;', '&#xD800;',
         '/&#99999999999;', '&AMP;', '/x&#65=y']


def value(v):
    quote = rng.choice(['"', "'", '', '"'])
    if quote == '' and (v == '' or any(c in v for c in ' \t\n\r\f>')):
        quote = '"'
    if quote and quote in v:
        quote = "'" if quote == '"' else '"'
        if quote in v:
            quote = ''
    return rng.choice(['=', ' = ', '=\t', '\n=', '==']) + quote + v + quote


def attribute():
    k = rng.random()
    if k < 0.4:
        return rng.choice(['rel', 'REL', 'Rel']) + value(rng.choice(RELS))
    if k < 0.8:
        return rng.choice(['href', 'HREF']) + (value(rng.choice(HREFS)) if rng.random() < 0.9 else '')
    return rng.choice(['type', 'x', '=y', 'a"b', "c'", 'rel', 'href']) + (value('v') if rng.random() < 0.5 else '')


def link():
    s = '<' + rng.choice(NAMES)
    for _ in range(rng.randint(0, 5)):
        s += rng.choice(SPACES) + attribute()
    s += rng.choice(['', ' ', '/', ' /', '\t'])
    if rng.random() < 0.95:
        s += '>'
    return s


cases, without = [], 0
while len(cases) < 600:
    body = ''.join(link() if rng.random() < 0.4 else rng.choice(NOISE)
                   for _ in range(rng.randint(1, 8))).encode()
    if rng.random() < 0.1:
        body = body.replace(b'x', bytes([rng.choice([0xff, 0xe2, 0x80, 0xc3])]))
    found = hrefs(body)
    if not found:
        if without >= 100:
            continue
        without += 1
    try:
        case = {"body": body.decode()}
    except UnicodeDecodeError:
        case = {"body_hex": body.hex()}
    case["hrefs"] = found
    cases.append(case)

sys.stdout.write('{"cases": [\n')
sys.stdout.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
sys.stdout.write("\n]}\n")
