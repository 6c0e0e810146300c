#!/usr/bin/env python3
"""Checks a REFI-QDA codebook (.qdc) against the REFI-QDA schema.

usage: check_qdc.py PROJECT_XSD FILE.qdc

The codebook exchange file has the root <CodeBook> in the namespace urn:QDA-XML:codebook:1.0,
with the same CodeBook/Codes/Code types as the project schema (Project.xsd). The schema used here
is Project.xsd with that namespace and a <CodeBook> root element, so the check follows the
reference file exactly. Exit 0: valid; 1: invalid; 3: xmlschema is not installed.
"""
import re
import sys
import tempfile

try:
    import xmlschema
except ImportError:
    print("python package xmlschema is not installed (pip install xmlschema)", file=sys.stderr)
    sys.exit(3)


def codebook_schema(project_xsd: str) -> xmlschema.XMLSchema:
    with open(project_xsd, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("urn:QDA-XML:project:1.0", "urn:QDA-XML:codebook:1.0")
    root = '<xsd:element name="CodeBook" type="CodeBookType"/>'
    text, n = re.subn(r'(<xsd:element name="Project" type="ProjectType">)', root + r"\n\1", text, count=1)
    if n != 1:
        raise SystemExit("Project.xsd has no Project element to put the CodeBook root beside")
    with tempfile.NamedTemporaryFile("w", suffix=".xsd", delete=False, encoding="utf-8") as f:
        f.write(text)
        return xmlschema.XMLSchema(f.name)


def main() -> int:
    xsd, qdc = sys.argv[1], sys.argv[2]
    schema = codebook_schema(xsd)
    errors = list(schema.iter_errors(qdc))
    for error in errors[:5]:
        print(f"{qdc}: {str(error)[:400]}", file=sys.stderr)
    if errors:
        return 1
    codes = schema.to_dict(qdc)
    print(f"xmlschema {xmlschema.__version__}: {qdc} is a valid REFI-QDA codebook")
    return 0


if __name__ == "__main__":
    sys.exit(main())
