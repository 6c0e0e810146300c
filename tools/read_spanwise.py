#!/usr/bin/env python3
"""Read a Spanwise project file (*.spanwise.ron) without Spanwise.

Dependency-free (Python 3.6+ standard library only; tested on 3.6 to 3.13). The format is described in
docs/FORMAT.md. Usage:

    python3 tools/read_spanwise.py PROJECT.spanwise.ron     # counts + offset check

    from read_spanwise import load
    project = load("p.spanwise.ron")["project"]

RON values become Python values with the shape serde_json would give the same data:

    (a: 1, b: "x")       -> {"a": 1, "b": "x"}      struct (named fields; a struct name is ignored)
    [1, 2] / (1, 2)      -> [1, 2]                   list / tuple
    {"k": v}             -> {"k": v}                 map
    "text", 'c'          -> "text", "c"              string, char (RON escapes decoded)
    42, 1.5, 1e300, inf  -> 42, 1.5, 1e300, inf      int (exact, any size) / float
    true, false          -> True, False
    Some(x), None        -> x, None
    Project              -> "Project"                unit enum variant
    Choice("x")          -> {"Choice": "x"}          enum variant with one value
    V(a, b)              -> {"V": [a, b]}            enum variant with several values
"""

import hashlib
import re
import sys
from collections import Counter

__all__ = ["load", "loads", "ParseError", "check", "SUPPORTED_VERSION"]

SUPPORTED_VERSION = 1

_WS = re.compile(r"[ \t\r\n\f\v\u0085\u200e\u200f\u2028\u2029]+")
_IDENT = re.compile(r"(?:r#)?[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(
    r"[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+"
    r"|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?)"
    r"(?:[iuf](?:8|16|32|64|128|size))?"
)
_STRING_CHUNK = re.compile(r'[^"\\]+')
_RAW_OPEN = re.compile(r'r(#*)"')
_UNICODE_ESCAPE = re.compile(r"u\{([0-9A-Fa-f]{1,6})\}")
_BYTE_ESCAPE = re.compile(r"x([0-9A-Fa-f]{2})")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


class ParseError(ValueError):
    """A syntax error, with 1-based line and column (in code points)."""

    def __init__(self, message, source, pos):
        self.line = source.count("\n", 0, pos) + 1
        self.column = pos - (source.rfind("\n", 0, pos) + 1) + 1
        super().__init__(f"line {self.line}, column {self.column}: {message}")


class _Parser:
    def __init__(self, source):
        self.s = source
        self.i = 0

    def error(self, message, pos=None):
        pos = self.i if pos is None else pos
        if pos >= len(self.s):
            message += ", but the file ends here (truncated?)"
        return ParseError(message, self.s, pos)

    def skip(self):
        """Skips whitespace and comments (`// line`, nested `/* block */`)."""
        s = self.s
        while True:
            m = _WS.match(s, self.i)
            if m:
                self.i = m.end()
            if s.startswith("//", self.i):
                nl = s.find("\n", self.i)
                self.i = len(s) if nl < 0 else nl + 1
            elif s.startswith("/*", self.i):
                depth, j = 0, self.i
                while True:
                    if s.startswith("/*", j):
                        depth, j = depth + 1, j + 2
                    elif s.startswith("*/", j):
                        depth, j = depth - 1, j + 2
                        if depth == 0:
                            break
                    elif j >= len(s):
                        raise self.error("unterminated block comment")
                    else:
                        j += 1
                self.i = j
            else:
                return

    def peek(self):
        self.skip()
        return self.s[self.i] if self.i < len(self.s) else ""

    def expect(self, ch):
        if self.peek() != ch:
            if self.i >= len(self.s):
                raise self.error(f"expected {ch!r}")
            raise self.error(f"expected {ch!r}, found {self.s[self.i : self.i + 20]!r}")
        self.i += 1

    def value(self):
        c = self.peek()
        if c == "":
            raise self.error("expected a value")
        if c == "(":
            return self.paren()
        if c == "[":
            return self.seq("[", "]")
        if c == "{":
            return self.map()
        if c == '"':
            return self.string()
        if c == "'":
            return self.char()
        if c == "r" and _RAW_OPEN.match(self.s, self.i):
            return self.raw_string()
        if c in "+-.0123456789":
            return self.number()
        m = _IDENT.match(self.s, self.i)
        if not m:
            raise self.error(f"unexpected character {c!r}")
        name = m.group()
        if name.startswith("r#"):
            name = name[2:]
        self.i = m.end()
        if name == "true":
            return True
        if name == "false":
            return False
        if name in ("inf", "NaN"):
            return float(name)
        if self.peek() != "(":
            return None if name == "None" else name  # unit enum variant, e.g. Project
        if name == "Some":
            self.i += 1
            inner = self.value()
            if self.peek() == ",":
                self.i += 1
            self.expect(")")
            return inner
        body = self.paren()
        if isinstance(body, dict):
            return body  # `Name(field: ..)`: a struct written with its name; the name is dropped
        if isinstance(body, list) and len(body) == 1:
            return {name: body[0]}
        return {name: body}

    def paren(self):
        """`(a: 1, ...)` struct -> dict; `(x, y)` tuple -> list; `()` -> []."""
        start = self.i
        self.expect("(")
        if self.peek() == ")":
            self.i += 1
            return []
        m = _IDENT.match(self.s, self.i)
        if m:
            save = self.i
            self.i = m.end()
            is_struct = self.peek() == ":" and not self.s.startswith("::", self.i)
            self.i = save
        else:
            is_struct = False
        if not is_struct:
            self.i = start
            return self.seq("(", ")")
        fields = {}
        while self.peek() != ")":
            m = _IDENT.match(self.s, self.i)
            if not m:
                raise self.error("expected a field name")
            name = m.group()[2:] if m.group().startswith("r#") else m.group()
            if name in fields:
                raise self.error(f"duplicate field {name!r}")
            self.i = m.end()
            self.expect(":")
            fields[name] = self.value()
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != ")":
                raise self.error("expected ',' or ')' after a field")
        self.i += 1
        return fields

    def seq(self, open_ch, close_ch):
        self.expect(open_ch)
        items = []
        while self.peek() != close_ch:
            items.append(self.value())
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != close_ch:
                raise self.error(f"expected ',' or {close_ch!r}")
        self.i += 1
        return items

    def map(self):
        self.expect("{")
        out = {}
        while self.peek() != "}":
            key = self.value()
            if isinstance(key, (list, dict)):
                key = repr(key)
            self.expect(":")
            out[key] = self.value()
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != "}":
                raise self.error("expected ',' or '}'")
        self.i += 1
        return out

    def escape(self, in_char):
        """Decodes the escape after a backslash at self.i - 1."""
        s = self.s
        c = s[self.i : self.i + 1]
        if c in _SIMPLE_ESCAPES:
            self.i += 1
            return _SIMPLE_ESCAPES[c]
        if c == "u":
            m = _UNICODE_ESCAPE.match(s, self.i)
            if not m:
                raise self.error("bad \\u{...} escape")
            self.i = m.end()
            return chr(int(m.group(1), 16))
        if c == "x":
            # \xNN: ASCII, or up to four \xNN forming one UTF-8 character (strings only).
            data = bytearray()
            while True:
                m = _BYTE_ESCAPE.match(s, self.i)
                if not m:
                    raise self.error("bad \\x escape")
                self.i = m.end()
                data.append(int(m.group(1), 16))
                try:
                    return data.decode("utf-8")
                except UnicodeDecodeError:
                    if in_char or len(data) == 4 or not s.startswith("\\x", self.i):
                        raise self.error("\\x escapes do not form a UTF-8 character")
                    self.i += 1
        raise self.error(f"unknown escape \\{c}")

    def string(self):
        start = self.i
        self.i += 1
        parts = []
        s = self.s
        while True:
            m = _STRING_CHUNK.match(s, self.i)
            if m:
                parts.append(m.group())
                self.i = m.end()
            if self.i >= len(s):
                raise self.error("unterminated string", start)
            if s[self.i] == '"':
                self.i += 1
                return "".join(parts)
            self.i += 1  # backslash
            parts.append(self.escape(in_char=False))

    def raw_string(self):
        m = _RAW_OPEN.match(self.s, self.i)
        end = '"' + m.group(1)
        close = self.s.find(end, m.end())
        if close < 0:
            raise self.error("unterminated raw string")
        self.i = close + len(end)
        return self.s[m.end() : close]

    def char(self):
        start = self.i
        self.i += 1
        if self.s[self.i : self.i + 1] == "\\":
            self.i += 1
            ch = self.escape(in_char=True)
        else:
            ch = self.s[self.i : self.i + 1]
            self.i += 1
        if self.s[self.i : self.i + 1] != "'":
            raise self.error("bad character literal", start)
        self.i += 1
        return ch

    def number(self):
        s = self.s
        sign = ""
        if s[self.i] in "+-" and re.match(r"[+-](inf|NaN)\b", s[self.i : self.i + 5]):
            m = re.match(r"([+-])(inf|NaN)", s[self.i :])
            self.i += m.end()
            return float(m.group(1) + m.group(2))
        m = _NUMBER.match(s, self.i)
        if not m or m.end() == self.i:
            raise self.error("bad number")
        self.i = m.end()
        text = re.sub(r"[iuf](?:8|16|32|64|128|size)$", "", m.group()).replace("_", "")
        suffix_float = m.group().endswith(("f32", "f64"))
        if text[:1] in "+-":
            sign, text = text[0], text[1:]
        if text[:2] in ("0x", "0o", "0b"):
            return int(sign + text[2:], {"x": 16, "o": 8, "b": 2}[text[1]])
        if suffix_float or any(ch in text for ch in ".eE"):
            return float(sign + text)
        return int(sign + text)


def loads(source):
    """Parses the text of a project file; returns {"format", "version", "project"}."""
    if source.startswith("\ufeff"):
        source = source[1:]
    parser = _Parser(source)
    data = parser.value()
    if parser.peek() != "":
        raise parser.error("unexpected text after the project")
    if not isinstance(data, dict) or data.get("format") != "spanwise":
        raise ValueError("not a Spanwise project file (no `format: \"spanwise\"`)")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"version {version!r} is not a format version")
    if version > SUPPORTED_VERSION:
        raise ValueError(
            f"this file is format version {version}, but this reader reads versions up to "
            f"{SUPPORTED_VERSION}; update tools/read_spanwise.py"
        )
    if not isinstance(data.get("project"), dict):
        raise ValueError("the file has no `project: (...)`")
    return data


def load(path):
    """Reads a project file; returns {"format", "version", "project"}."""
    with open(path, "rb") as f:
        return loads(f.read().decode("utf-8"))


def _excerpt(text, limit=60):
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def check(project):
    """Offset and hash checks; returns a list of problems (empty: all good)."""
    problems = []
    for doc in project["documents"]:
        text = doc["text"]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest != doc["sha256"]:
            problems.append(f"document {doc['id']!r}: sha256 does not match the text")
        for a in doc.get("annotations", []):
            for f in a["fragments"]:
                actual = text[f["start"] : f["end"]]
                if not 0 <= f["start"] < f["end"] <= len(text) or actual != f["text"]:
                    problems.append(
                        f"document {doc['id']!r}, annotation {a['id']}: span {f['start']}..{f['end']} "
                        f"(text has {len(text)} code points) is {_excerpt(actual)}, "
                        f"stored {_excerpt(f['text'])}"
                    )
        ids = {a["id"] for a in doc.get("annotations", [])}
        for r in doc.get("relations", []):
            for end in ("from", "to"):
                if r[end] not in ids:
                    problems.append(f"document {doc['id']!r}, relation {r['id']}: no annotation {r[end]}")
    return problems


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} PROJECT.spanwise.ron", file=sys.stderr)
        return 2
    try:
        data = load(argv[1])
    except (OSError, UnicodeDecodeError, ValueError) as err:  # ParseError is a ValueError
        print(f"{argv[1]}: {err}", file=sys.stderr)
        return 1
    project = data["project"]
    label_order = [label["id"] for label in project["codebook"]["labels"]]
    print(f'{argv[1]}: format {data["format"]} version {data["version"]}, project "{project["name"]}"')
    total_annotations = total_relations = total_fragments = 0
    for doc in project["documents"]:
        annotations = doc.get("annotations", [])
        relations = doc.get("relations", [])
        counts = Counter(a["label"] for a in annotations)
        print(f'{doc["id"]} ({doc["name"]}): {len(annotations)} annotations, {len(relations)} relations')
        for label in label_order + sorted(set(counts) - set(label_order)):
            print(f"  {label:<16}{counts[label]:>5}")
        kinds = Counter(r["kind"] for r in relations)
        for kind in sorted(kinds):
            print(f"  relation {kind:<16}{kinds[kind]:>5}")
        total_annotations += len(annotations)
        total_relations += len(relations)
        total_fragments += sum(len(a["fragments"]) for a in annotations)
    problems = check(project)
    print(
        f"total: {len(project['documents'])} documents, {total_annotations} annotations, "
        f"{total_relations} relations, {len(project.get('memos', []))} memos"
    )
    if problems:
        for problem in problems:
            print("PROBLEM", problem)
        return 1
    print(f"ok: all {total_fragments} fragments equal text[start:end]; every sha256 matches")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
