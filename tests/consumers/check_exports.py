#!/usr/bin/env python3
"""Checks Spanwise's exports with the tools that read them.

Exports a project in every format with the spanwise binary, then:
  json/jsonl   validate against docs/export.schema.json (jsonschema); every fragment is text[start:end]
  spacy        Doc(vocab).from_json(..., validate=True) loads each line; every span and entity lines up
               with its text; a DocBin made from the docs round-trips; spaCy's own tokenizer
               (spacy.blank) puts token boundaries at every span of the project
  hf           datasets.load_dataset(folder, "tokens"/"spans") with the card's features (ClassLabel)
  conll        seqeval: the tags are IOB2, strict and lenient entities agree; same entities as spaCy's ents
  qdpx         project.qde is valid against the REFI-QDA Project.xsd (xmlschema); selections are
               text[start:end] of their source
  w3c          pyld expands it with the shipped anno.jsonld context (served locally); every key is a
               term of the context; selectors agree with the text
  brat         brat's rule: the text after each T line is the text at its offsets (joined by one space)
  csv/parquet  pandas and DuckDB read them with the right types
  doccano      offsets are UTF-16 code units of the text
  labelstudio  value.text is data.text[start:end] (code points)

Usage: check_exports.py --spanwise target/debug/spanwise [--project FILE] [--shared ../shared]
Needs the packages of tests/consumers/requirements.txt (pinned, with constraints.txt; .ci/run
installs them into target/consumers-venv).
Exit status 1 with a list of failures if any check fails.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import zipfile

# Local files only: no model or dataset downloads.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FORMATS = ["json", "jsonl", "csv", "parquet", "brat", "conll", "hf", "spacy", "w3c", "labelstudio", "doccano", "qdpx"]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def export_all(spanwise, project, out):
    paths = {}
    for fmt in FORMATS:
        path = os.path.join(out, "out." + fmt)
        result = subprocess.run([spanwise, "export", "--format", fmt, project, "-o", path],
                                capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"export {fmt} failed: {result.stderr.strip()}")
        paths[fmt] = path
    return paths


def load_truth(path):
    """The json export: documents by id and by sha256, with their annotations."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return data


def check_json(paths, truth):
    import jsonschema
    with open(os.path.join(ROOT, "docs", "export.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(truth))
    check(not errors, f"json: not valid against docs/export.schema.json: {[e.message for e in errors[:3]]}")
    document_schema = dict(schema, **{"$ref": "#/$defs/document"})
    for key in ("required", "properties", "additionalProperties", "type"):
        document_schema.pop(key, None)
    line_validator = jsonschema.Draft202012Validator(document_schema)
    with open(paths["jsonl"], encoding="utf-8") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    check(len(lines) == len(truth["documents"]), "jsonl: one line per document")
    for n, doc in enumerate(lines):
        errors = list(line_validator.iter_errors(doc))
        check(not errors, f"jsonl line {n + 1}: {[e.message for e in errors[:3]]}")
    for doc in truth["documents"]:
        text = doc["text"]
        check(len(text) == doc["characters"], f"json {doc['id']}: characters is the length in code points")
        for a in doc["annotations"]:
            for fr in a["fragments"]:
                check(text[fr["start"]:fr["end"]] == fr["text"], f"json {doc['id']}: fragment {fr} is not text[start:end]")
    print(f"json/jsonl: schema valid, {sum(len(d['annotations']) for d in truth['documents'])} annotations line up")


def fragments_of(truth):
    """(document id, start, end, label) of every fragment, trimmed of surrounding whitespace."""
    result = {}
    for doc in truth["documents"]:
        text = doc["text"]
        spans = set()
        for a in doc["annotations"]:
            for fr in a["fragments"]:
                s, e = fr["start"], fr["end"]
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                if s < e:
                    spans.add((s, e, a["label"]))
        result[doc["id"]] = spans
    return result


def check_spacy(paths, truth):
    import spacy
    from spacy.tokens import Doc, DocBin
    nlp = spacy.blank("en")
    by_id = {d["id"]: d for d in truth["documents"]}
    expected = fragments_of(truth)
    docs = []
    ents = {}
    with open(paths["spacy"], encoding="utf-8") as f:
        for n, line in enumerate(f):
            obj = json.loads(line)
            doc = Doc(nlp.vocab).from_json(obj, validate=True)
            docs.append(doc)
            doc_id = obj["spanwise"]["document_id"]
            text = by_id[doc_id]["text"]
            check(doc.text == text, f"spacy line {n + 1}: the Doc's text differs from the document")
            spans = {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]}
            for s in doc.spans["sc"]:
                check(s.text == text[s.start_char:s.end_char], f"spacy: span {s} is not its text")
            check(spans == expected[doc_id], f"spacy {doc_id}: spans {sorted(spans ^ expected[doc_id])} differ")
            for e in doc.ents:
                check((e.start_char, e.end_char, e.label_) in expected[doc_id], f"spacy {doc_id}: entity {e} is no annotation")
            ents[doc_id] = [(tuple(t.text for t in e if not t.is_space), e.label_) for e in doc.ents]
            # spaCy's own tokenizer has token boundaries at every span.
            own = nlp.make_doc(text)
            for s, e, label in expected[doc_id]:
                check(own.char_span(s, e) is not None,
                      f"spacy {doc_id}: spaCy's tokenizer does not align with {label} {text[s:e]!r}")
    restored = list(DocBin(docs=docs).from_bytes(DocBin(docs=docs).to_bytes()).get_docs(nlp.vocab)) if docs else []
    for before, after in zip(docs, restored):
        check([(s.start_char, s.end_char, s.label_) for s in before.spans["sc"]]
              == [(s.start_char, s.end_char, s.label_) for s in after.spans["sc"]], "spacy: DocBin round trip")
    print(f"spacy {spacy.__version__}: {len(docs)} docs load with validate=True; spans, ents and DocBin check out")
    return ents


def check_hf(paths, truth):
    import datasets
    folder = paths["hf"]
    by_id = {d["id"]: d for d in truth["documents"]}
    cache = os.path.join(os.path.dirname(folder), "hf-cache")  # never a cached copy of another export
    tokens = datasets.load_dataset(folder, "tokens", split="train", cache_dir=cache)
    names = tokens.features["ner_tags"].feature.names
    check(names[0] == "O" and all(n[:2] in ("B-", "I-") for n in names[1:]), f"hf: tag names {names}")
    for row in tokens:
        text = by_id[row["document_id"]]["text"]
        for token, s, e in zip(row["tokens"], row["starts"], row["ends"]):
            check(text[s:e] == token, f"hf: token {token!r} is not text[{s}:{e}]")
        check(len(row["ner_tags"]) == len(row["tokens"]), "hf: one tag per token")
    spans = datasets.load_dataset(folder, "spans", split="train", cache_dir=cache)
    expected = {d["id"]: sorted((f["start"], f["end"], a["label"]) for a in d["annotations"] for f in a["fragments"])
                for d in truth["documents"]}
    for row in spans:
        got = sorted((s["start"], s["end"], s["label"]) for s in row["spans"])
        check(got == expected[row["id"]], f"hf spans {row['id']}: {got} != {expected[row['id']]}")
        for s in row["spans"]:
            check(row["text"][s["start"]:s["end"]] == s["text"], f"hf spans: {s} is not its text")
    print(f"datasets {datasets.__version__}: tokens ({len(tokens)} rows, {len(names)} ClassLabel names) and spans load")


def read_conll(path):
    sentences, words, current, cwords = [], [], [], []
    docs, doc = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# "):
                continue
            if line.startswith("-DOCSTART-"):
                if doc:
                    docs.append(doc)
                doc = []
                continue
            if not line.strip():
                if current:
                    sentences.append(current)
                    words.append(cwords)
                    doc.append((cwords, current))
                current, cwords = [], []
                continue
            parts = line.split(" ")
            cwords.append(parts[0])
            current.append(parts[-1])
    if current:
        sentences.append(current)
        words.append(cwords)
        doc.append((cwords, current))
    if doc:
        docs.append(doc)
    return sentences, docs


def check_conll(paths, spacy_ents, truth):
    from seqeval.metrics import f1_score
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2, Entities, auto_detect
    sentences, docs = read_conll(paths["conll"])
    check(auto_detect(sentences) is IOB2, "conll: seqeval does not detect IOB2")
    strict = {(e.sent_id, e.start, e.end, e.tag) for e in Entities(sentences, IOB2).entities for e in e} \
        if False else set()
    strict = set()
    for sent_id, ents in enumerate(Entities(sentences, IOB2).entities):
        for e in ents:
            strict.add((sent_id, e.start, e.end - 1, e.tag))
    lenient = set()
    for sent_id, tags in enumerate(sentences):
        for tag, start, end in get_entities(tags):
            lenient.add((sent_id, start, end, tag))
    check(strict == lenient, f"conll: ill-formed IOB2 sequences: {sorted(strict ^ lenient)[:5]}")
    check(f1_score(sentences, sentences, mode="strict", scheme=IOB2) == 1.0, "conll: strict F1 of the tags with themselves")
    # The same entities as spaCy's ents (same tokens, same priority rule).
    ids = [d["id"] for d in truth["documents"]]
    for doc_id, doc in zip(ids, docs):
        got = []
        for words, tags in doc:
            for tag, start, end in get_entities(tags):
                got.append((tuple(words[start:end + 1]), tag))
        check(sorted(got) == sorted(spacy_ents.get(doc_id, [])), f"conll {doc_id}: entities differ from spaCy's ents")
    print(f"seqeval: {len(sentences)} sentences of strict IOB2, {len(strict)} entities, same as spaCy's ents")


def check_qdpx(paths, truth, shared):
    import xmlschema
    schema = xmlschema.XMLSchema(os.path.join(shared, "reference", "refi-qda", "Project.xsd"))
    with zipfile.ZipFile(paths["qdpx"]) as z:
        qde = z.read("project.qde")
        errors = list(schema.iter_errors(qde.decode("utf-8")))
        check(not errors, f"qdpx: project.qde is not valid against Project.xsd: {[str(e)[:300] for e in errors[:2]]}")
        import xml.etree.ElementTree as ET
        ns = {"q": "urn:QDA-XML:project:1.0"}
        root = ET.fromstring(qde)
        selections = 0
        for source in root.iter("{urn:QDA-XML:project:1.0}TextSource"):
            name = source.get("plainTextPath").replace("internal://", "sources/")
            text = z.read(name).decode("utf-8")
            check("\r" not in text, "qdpx: sources are LF only")
            for sel in source.findall("q:PlainTextSelection", ns):
                s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
                label = sel.get("name")
                check(label.endswith("…") or text[s:e] == label, f"qdpx: selection {s}..{e} {label!r} is not its text")
                selections += 1
    print(f"xmlschema {xmlschema.__version__}: project.qde valid against Project.xsd; {selections} selections line up")


def check_w3c(paths, truth, shared):
    from pyld import jsonld
    context_path = os.path.join(shared, "reference", "w3c", "anno.jsonld")
    with open(context_path, encoding="utf-8") as f:
        context = json.load(f)

    def loader(url, options=None):
        if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": context}
        raise RuntimeError(f"no network: {url}")

    with open(paths["w3c"], encoding="utf-8") as f:
        doc = json.load(f)
    terms = set(context["@context"].keys())

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                check(key.startswith("@") or key in terms, f"w3c: {where}.{key} is not a term of the context (pyld would drop it)")
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(doc, "$")
    expanded = jsonld.expand(doc, {"documentLoader": loader})
    oa = "http://www.w3.org/ns/oa#"
    annotations = []

    def find(node):
        if isinstance(node, dict):
            if oa + "Annotation" in node.get("@type", []):
                annotations.append(node)
            for value in node.values():
                find(value)
        elif isinstance(node, list):
            for item in node:
                find(item)

    find(expanded)
    total = sum(len(d["annotations"]) + len(d["relations"]) for d in truth["documents"])
    check(len(annotations) == total, f"w3c: {len(annotations)} annotations after expansion, expected {total}")
    texts = {d["sha256"]: d["text"] for d in truth["documents"]}
    selectors = 0
    for item in doc["first"]["items"]:
        targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
        for target in targets:
            if isinstance(target, str):
                continue
            text = texts[target["source"].rsplit(":", 1)[1]]
            position = next(s for s in target["selector"] if s["type"] == "TextPositionSelector")
            quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
            s, e = position["start"], position["end"]
            check(text[s:e] == quote["exact"], f"w3c: {item['id']}: position and quote disagree")
            check(text[:s].endswith(quote["prefix"]) and text[e:].startswith(quote["suffix"]), f"w3c: {item['id']}: context")
            selectors += 1
    print(f"pyld: {len(annotations)} annotations expand with the shipped context; {selectors} selectors line up")


def check_brat(paths, truth):
    folder = paths["brat"]
    conf = open(os.path.join(folder, "annotation.conf"), encoding="utf-8").read()
    types = set()
    section = None
    for line in conf.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif line and not line.startswith("#") and section in ("[entities]", "[relations]", "[attributes]"):
            types.add(line.split()[0])
    lines = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".ann"):
            continue
        text = open(os.path.join(folder, name[:-4] + ".txt"), encoding="utf-8", newline="").read()
        ids = set()
        for line in open(os.path.join(folder, name), encoding="utf-8", newline=""):
            line = line.rstrip("\n")
            ident, rest = line.split("\t", 1)
            if ident.startswith("T"):
                spec, tail = rest.split("\t", 1)
                label, offsets = spec.split(" ", 1)
                pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
                check(tail == " ".join(text[s:e] for s, e in pieces), f"brat {name} {ident}: text {tail!r} is not at its offsets")
                check(all(s < e for s, e in pieces) and all(a[1] <= b[0] for a, b in zip(pieces, pieces[1:])),
                      f"brat {name} {ident}: fragments out of order or overlapping")
                check(label in types, f"brat {name}: type {label} not in annotation.conf")
                ids.add(ident)
                lines += 1
            elif ident.startswith("R"):
                kind, a1, a2 = rest.split()
                check(kind in types, f"brat {name}: relation type {kind} not in annotation.conf")
                check(a1.split(":")[1] in ids and a2.split(":")[1] in ids, f"brat {name} {ident}: argument not defined")
            elif ident.startswith("A"):
                parts = rest.split()
                check(parts[0] in types and parts[1] in ids, f"brat {name} {ident}: attribute or target unknown")
    print(f"brat: checked {lines} T lines against the text at their offsets")


def check_tables(paths, truth):
    import duckdb
    import pandas as pd
    texts = {d["id"]: d["text"] for d in truth["documents"]}
    n_fragments = sum(len(a["fragments"]) for d in truth["documents"] for a in d["annotations"])
    csv_dir, pq_dir = paths["csv"], paths["parquet"]
    for kind, read in (("csv", lambda t: pd.read_csv(os.path.join(csv_dir, t + ".csv"), encoding="utf-8-sig")),
                       ("parquet", lambda t: pd.read_parquet(os.path.join(pq_dir, t + ".parquet")))):
        ann = read("annotations")
        check(len(ann) == n_fragments, f"{kind}: one row per annotation fragment")
        for column in ("annotation_id", "start", "end", "fragment", "fragments"):
            check(str(ann[column].dtype) == "int64", f"pandas {kind}: {column} is {ann[column].dtype}, not int64")
        if "attr_certainty" in ann:
            check(str(ann["attr_certainty"].dtype) == "float64", f"pandas {kind}: attr_certainty is {ann['attr_certainty'].dtype}")
        created = pd.to_datetime(ann["created"], utc=True)
        check(str(created.dtype).startswith("datetime64"), f"pandas {kind}: created does not parse as a time")
        if kind == "parquet":
            check(str(ann["created"].dtype).startswith("datetime64") and "UTC" in str(ann["created"].dtype),
                  f"pandas parquet: created is {ann['created'].dtype}, not a UTC timestamp")
        if "attr_negated" in ann:
            check(str(ann["attr_negated"].dtype) in ("bool", "boolean", "object"), f"{kind}: attr_negated {ann['attr_negated'].dtype}")
        for row in ann.itertuples():
            text = row.text if kind == "parquet" or not str(row.text).startswith("'") else row.text[1:]
            check(texts[row.document_id][row.start:row.end] == text, f"{kind}: row text {row.text!r} is not text[start:end]")
        docs = read("documents")
        for column in ("characters", "annotations", "relations", "n_claim"):
            check(str(docs[column].dtype) == "int64", f"pandas {kind}: documents.{column} is {docs[column].dtype}")
        check(set(docs["document_id"]) == set(texts), f"{kind}: documents table")
        rel = read("relations")
        check(len(rel) == sum(len(d["relations"]) for d in truth["documents"]), f"{kind}: relations table")
    con = duckdb.connect()
    for kind, source in (("csv", f"read_csv('{csv_dir}/annotations.csv')"),
                         ("parquet", f"read_parquet('{pq_dir}/annotations.parquet')")):
        types = {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        for column in ("annotation_id", "start", "end"):
            check(types[column] in ("BIGINT", "INTEGER"), f"duckdb {kind}: {column} is {types[column]}")
        check(types["created"].startswith("TIMESTAMP"), f"duckdb {kind}: created is {types['created']}")
        if "attr_certainty" in types:
            check(types["attr_certainty"] == "DOUBLE", f"duckdb {kind}: attr_certainty is {types['attr_certainty']}")
        if "attr_negated" in types:
            check(types["attr_negated"] == "BOOLEAN", f"duckdb {kind}: attr_negated is {types['attr_negated']}")
        count = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        check(count == n_fragments, f"duckdb {kind}: {count} rows")
    print(f"pandas {pd.__version__} and duckdb {duckdb.__version__}: csv and parquet tables read with their types")


def check_doccano(paths, truth):
    by_id = {d["id"]: d for d in truth["documents"]}
    with open(paths["doccano"], encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            text = obj["text"]
            units = text.encode("utf-16-le")
            truth_doc = by_id[obj["spanwise_document_id"]]
            expected = sorted((fr["text"], a["label_name"]) for a in truth_doc["annotations"] for fr in a["fragments"])
            spans = obj.get("label") or [[e["start_offset"], e["end_offset"], e["label"]] for e in obj["entities"]]
            got = sorted((units[2 * s:2 * e].decode("utf-16-le"), label) for s, e, label in spans)
            check(got == expected, f"doccano {truth_doc['id']}: UTF-16 offsets do not give the annotated texts")
    print("doccano: offsets are UTF-16 code units")


def check_labelstudio(paths, truth):
    with open(os.path.join(paths["labelstudio"], "tasks.json"), encoding="utf-8") as f:
        tasks = json.load(f)
    regions = 0
    for task in tasks:
        text = task["data"]["text"]
        for completion in task["annotations"]:
            for result in completion["result"]:
                if result.get("type") == "labels":
                    v = result["value"]
                    check(text[v["start"]:v["end"]] == v["text"], f"labelstudio: region {result['id']} is not its text")
                    regions += 1
    print(f"labelstudio: {regions} regions are data.text[start:end] in code points")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spanwise", required=True, help="the spanwise binary")
    parser.add_argument("--project", default=os.path.join(ROOT, "tests", "fixtures", "interchange.spanwise.ron"))
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        paths = export_all(args.spanwise, args.project, out)
        if failures:
            print("\n".join(failures), file=sys.stderr)
            return 1
        truth = load_truth(paths["json"])
        steps = [
            ("json", lambda: check_json(paths, truth)),
            ("spacy", lambda: check_spacy(paths, truth)),
            ("hf", lambda: check_hf(paths, truth)),
            ("qdpx", lambda: check_qdpx(paths, truth, args.shared)),
            ("w3c", lambda: check_w3c(paths, truth, args.shared)),
            ("brat", lambda: check_brat(paths, truth)),
            ("tables", lambda: check_tables(paths, truth)),
            ("doccano", lambda: check_doccano(paths, truth)),
            ("labelstudio", lambda: check_labelstudio(paths, truth)),
        ]
        spacy_ents = {}
        for name, step in steps:
            try:
                result = step()
                if name == "spacy":
                    spacy_ents = result
            except Exception as error:  # a consumer refusing a file is a failure, with its message
                failures.append(f"{name}: {type(error).__name__}: {error}")
        try:
            check_conll(paths, spacy_ents, truth)
        except Exception as error:
            failures.append(f"conll: {type(error).__name__}: {error}")
    if failures:
        print(f"\n{len(failures)} failures:", file=sys.stderr)
        for failure in failures:
            print("  " + failure, file=sys.stderr)
        return 1
    print("all consumers accept the exports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
