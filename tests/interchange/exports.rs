//! Every exporter on the fixture (ü, emoji outside the BMP, ZWJ, Persian with ZWNJ, Chinese, a
//! CRLF source), each checked against its own offset convention and the rules its consumers
//! apply (the same invariants `tests/consumers/check_exports.py` checks with the real tools).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use spanwise::formats::export::{self, ExportOptions, Format, OffsetUnit, OverlapPolicy};
use spanwise::model::{Document, Project};

use super::fixture;

pub fn run(project: &Project, format: Format, options: &ExportOptions) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(format!("out.{}", format.extension()));
    let summary = export::export(project, format, options, &out, &export::no_progress).unwrap();
    assert_eq!(summary.annotations, project.annotation_count());
    (dir, out)
}

fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every (document id, start, end, label) fragment of the project.
fn fragments(project: &Project) -> BTreeSet<(String, usize, usize, String)> {
    project
        .documents
        .iter()
        .flat_map(|d| {
            d.annotations
                .iter()
                .flat_map(move |a| a.fragments.iter().map(move |f| (d.id.clone(), f.start, f.end, a.label.to_string())))
        })
        .collect()
}

fn by_sha(project: &Project) -> BTreeMap<String, &Document> {
    project.documents.iter().map(|d| (d.sha256.clone(), d)).collect()
}

#[test]
fn the_fixture_has_every_hard_case() {
    let project = fixture::project();
    let d1 = &project.documents[0].text;
    assert!(d1.contains('ü') && d1.contains('🙂') && d1.contains('\u{200d}') && d1.contains('\u{200c}'));
    assert!(d1.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "Chinese");
    assert!(fixture::CRLF_SOURCE.contains("\r\n"));
    assert!(!project.documents[1].text.contains('\r'), "CRLF became LF on import");
    assert!(project.documents[0].annotations.iter().any(|a| a.fragments.len() > 1), "discontinuous");
    let d2 = &project.documents[1];
    let after_crlf = fixture::find(&project, "d2", "Dr. Ďurková", 0);
    assert!(d2.annotations.iter().any(|a| a.start() == after_crlf.start), "a span after a former CRLF");
}

#[test]
fn json_keeps_everything_with_code_point_offsets() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Json, &ExportOptions::default());
    let json: Json = serde_json::from_str(&read(&out)).unwrap();
    assert_eq!(json["format"], "spanwise-export");
    assert_eq!(json["codebook"]["attributes"][0]["kind"]["options"][1], "against");
    assert_eq!(json["annotators"][1]["name"], "Bo 李");
    let d1 = &json["documents"][0];
    let meta = &d1["metadata"];
    assert_eq!(meta["title"].as_str().unwrap().chars().next(), Some('A'));
    assert_eq!(
        (&meta["author"], &meta["outlet"], &meta["date"]),
        (&Json::from("Ana Ürün"), &Json::from("IranWire"), &Json::from("2024-05-01"))
    );
    assert_eq!((&meta["url"], &meta["language"]), (&Json::from("https://example.org/article-1"), &Json::from("en")));
    assert_eq!(meta["section"], "World, \"politics\"", "other metadata kept");
    assert_eq!(
        (&meta["paywall"], &meta["pages"], &meta["outlet_type"]),
        (&Json::Bool(false), &Json::from(2.0), &Json::from("national"))
    );
    assert_eq!(d1["variables"], serde_json::json!(["outlet_type", "pages", "paywall"]));
    for (doc_json, doc) in json["documents"].as_array().unwrap().iter().zip(&project.documents) {
        let text = doc_json["text"].as_str().unwrap();
        assert_eq!(text, doc.text);
        assert_eq!(doc_json["sha256"], doc.sha256);
        assert_eq!(doc_json["annotations"].as_array().unwrap().len(), doc.annotations.len());
        for (a_json, a) in doc_json["annotations"].as_array().unwrap().iter().zip(&doc.annotations) {
            assert_eq!(a_json["id"], a.id.0);
            assert_eq!(a_json["note"], a.note);
            for (f_json, f) in a_json["fragments"].as_array().unwrap().iter().zip(&a.fragments) {
                let (s, e) = (f_json["start"].as_u64().unwrap() as usize, f_json["end"].as_u64().unwrap() as usize);
                assert_eq!((s, e), (f.start, f.end));
                assert_eq!(chars(text, s, e), f_json["text"].as_str().unwrap(), "code points");
            }
        }
    }
    let claim = json["documents"][0]["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["note"].as_str().unwrap().starts_with("checked"))
        .unwrap();
    assert_eq!(claim["attributes"], serde_json::json!({"certainty": 0.75, "stance": "against"}));
    assert_eq!(json["documents"][0]["memos"].as_array().unwrap().len(), 2, "memos about d1 and one of its annotations");
    assert_eq!(json["memos"].as_array().unwrap().len(), 2, "project and label memos");
    assert_eq!(json["documents"][0]["relations"][0]["directed"], true);
}

#[test]
fn jsonl_lines_are_the_json_documents() {
    let project = fixture::project();
    let options = ExportOptions { exported_at: Some(fixture::time(0)), ..Default::default() };
    let (_a, json) = run(&project, Format::Json, &options);
    let (_b, jsonl) = run(&project, Format::Jsonl, &options);
    let json: Json = serde_json::from_str(&read(&json)).unwrap();
    let lines: Vec<Json> = read(&jsonl).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(Json::Array(lines), json["documents"]);
}

/// A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF records).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\n' => panic!("a bare LF ends a record; RFC 4180 wants CRLF"),
            other => field.push(other),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the last record ends with CRLF");
    rows
}

fn table(dir: &Path, name: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let text = read(&dir.join(name));
    let text = text.strip_prefix('\u{feff}').expect("UTF-8 byte-order mark");
    let mut rows = parse_csv(text);
    let header = rows.remove(0);
    let records = rows
        .into_iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "every record has every column");
            header.iter().cloned().zip(r).collect()
        })
        .collect();
    (header, records)
}

#[test]
fn csv_tables_are_rfc_4180_with_typed_cells_and_a_formula_guard() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Csv, &ExportOptions::default());
    let (header, rows) = table(&out, "annotations.csv");
    for column in [
        "document_id",
        "var_outlet_type",
        "var_paywall",
        "annotation_id",
        "fragment",
        "start",
        "end",
        "text",
        "created",
        "attr_stance",
        "attr_certainty",
    ] {
        assert!(header.contains(&column.to_owned()), "{column} in {header:?}");
    }
    assert_eq!(rows.len(), fragments(&project).len(), "one row per annotation and fragment");
    let texts: BTreeMap<&str, &str> = project.documents.iter().map(|d| (d.id.as_str(), d.text.as_str())).collect();
    for row in &rows {
        let (s, e): (usize, usize) = (row["start"].parse().unwrap(), row["end"].parse().unwrap());
        assert_eq!(chars(texts[row["document_id"].as_str()], s, e), row["text"], "code points");
        assert!(row["created"].ends_with('Z'));
    }
    let note = rows.iter().find(|r| r["note"].contains("HYPERLINK")).unwrap();
    assert!(note["note"].starts_with("'="), "formula guard: {}", note["note"]);
    let claim = rows.iter().find(|r| r["attr_certainty"] == "0.75").unwrap();
    assert_eq!(claim["attr_stance"], "against");
    assert!(rows.iter().any(|r| r["attr_negated"] == "TRUE") && rows.iter().any(|r| r["attr_negated"] == "FALSE"));
    assert_eq!(rows.iter().find(|r| r["document_id"] == "d1").unwrap()["var_paywall"], "FALSE");
    let discontinuous: Vec<_> = rows.iter().filter(|r| r["fragments"] == "2").collect();
    assert_eq!(discontinuous.len(), 2);
    assert_eq!(discontinuous[0]["annotation_text"], "The family … agreed");

    let (_, documents) = table(&out, "documents.csv");
    assert_eq!(documents[0]["date"], "2024-05-01");
    assert_eq!(documents[0]["outlet"], "IranWire");
    assert_eq!(documents[0]["meta_section"], "World, \"politics\"");
    let claims = project.documents[0].annotations.iter().filter(|a| a.label == "claim").count();
    assert_eq!(documents[0]["n_claim"], claims.to_string());
    assert_eq!(documents[1]["characters"], project.documents[1].char_len().to_string());
    let (_, relations) = table(&out, "relations.csv");
    assert_eq!(relations.len(), 5);
    assert!(relations.iter().any(|r| r["from_label"] == "quote" && r["to_text"] == "Anna Müller"));

    let plain = ExportOptions { csv_bom: false, csv_formula_guard: false, ..Default::default() };
    let (_dir, out) = run(&project, Format::Csv, &plain);
    let text = read(&out.join("annotations.csv"));
    assert!(text.starts_with("document_id,"), "no byte-order mark");
    assert!(text.contains(",=HYPERLINK(\"\"http://x\"\"),") || text.contains("\"=HYPERLINK(\"\"http://x\"\")\""));
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_tables_have_typed_columns() {
    use parquet::basic::{LogicalType, Repetition, Type as Physical};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Parquet, &ExportOptions::default());
    let reader = SerializedFileReader::new(std::fs::File::open(out.join("annotations.parquet")).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let column = |name: &str| schema.columns().iter().find(|c| c.name() == name).unwrap().clone();
    assert_eq!(column("start").physical_type(), Physical::INT64);
    assert_eq!(column("annotation_id").physical_type(), Physical::INT64);
    assert_eq!(column("attr_certainty").physical_type(), Physical::DOUBLE);
    assert_eq!(column("attr_negated").physical_type(), Physical::BOOLEAN);
    assert_eq!(column("attr_negated").self_type().get_basic_info().repetition(), Repetition::OPTIONAL);
    assert!(matches!(column("created").logical_type_ref(), Some(LogicalType::Timestamp(t)) if t.is_adjusted_to_u_t_c));
    assert!(matches!(column("text").logical_type_ref(), Some(LogicalType::String)));
    assert_eq!(reader.metadata().file_metadata().num_rows() as usize, fragments(&project).len());
    let texts: BTreeMap<&str, &str> = project.documents.iter().map(|d| (d.id.as_str(), d.text.as_str())).collect();
    let mut seen = BTreeSet::new();
    for row in reader.get_row_iter(None).unwrap() {
        let row = row.unwrap();
        let fields: BTreeMap<String, Field> = row.get_column_iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let (Field::Str(doc), Field::Long(s), Field::Long(e), Field::Str(text), Field::Str(label)) =
            (&fields["document_id"], &fields["start"], &fields["end"], &fields["text"], &fields["label"])
        else {
            panic!("types: {fields:?}")
        };
        assert_eq!(&chars(texts[doc.as_str()], *s as usize, *e as usize), text);
        assert!(matches!(fields["created"], Field::TimestampMillis(ms) if ms > fixture::time(0).timestamp_millis()));
        seen.insert((doc.clone(), *s as usize, *e as usize, label.clone()));
    }
    assert_eq!(seen, fragments(&project));
    for table in ["documents", "relations"] {
        let reader =
            SerializedFileReader::new(std::fs::File::open(out.join(format!("{table}.parquet"))).unwrap()).unwrap();
        assert!(reader.metadata().file_metadata().num_rows() > 0, "{table}");
    }
}

fn brat_files(dir: &Path) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names {
        if path.extension().is_some_and(|e| e == "ann") {
            pairs.push((read(&path.with_extension("txt")), read(&path)));
        }
    }
    pairs
}

#[test]
fn brat_holds_brat_rule_and_conf() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Brat, &ExportOptions::default());
    let conf = read(&out.join("annotation.conf"));
    assert!(conf.contains("[entities]\nclaim\nquote\nactor\nrecommendation\n"));
    assert!(conf.contains("attributed_to\tArg1:quote|claim|recommendation, Arg2:actor"));
    assert!(conf.contains("stance\tArg:claim|quote, Value:for|against|neutral"));
    assert!(read(&out.join("visual.conf")).contains("claim\tbgColor:#e15759"));
    let files = brat_files(&out);
    assert_eq!(files.len(), 2);
    let mut t_lines = 0;
    let mut spans = BTreeSet::new();
    for ((text, ann), doc) in files.iter().zip(&project.documents) {
        assert_eq!(text, &doc.text);
        let mut ids = BTreeSet::new();
        for line in ann.lines() {
            let (id, rest) = line.split_once('\t').unwrap();
            match &id[..1] {
                "T" => {
                    let (spec, tail) = rest.split_once('\t').unwrap();
                    let (label, offsets) = spec.split_once(' ').unwrap();
                    let pieces: Vec<(usize, usize)> = offsets
                        .split(';')
                        .map(|p| {
                            let (s, e) = p.split_once(' ').unwrap();
                            (s.parse().unwrap(), e.parse().unwrap())
                        })
                        .collect();
                    let joined: Vec<String> = pieces.iter().map(|&(s, e)| chars(text, s, e)).collect();
                    assert_eq!(tail, joined.join(" "), "brat's rule for {line}");
                    assert!(!tail.contains('\n'));
                    assert!(conf.contains(&format!("\n{label}\n")));
                    for (s, e) in pieces {
                        spans.insert((doc.id.clone(), s, e, label.to_owned()));
                    }
                    ids.insert(id.to_owned());
                    t_lines += 1;
                }
                "R" | "A" => {
                    for word in rest.split_whitespace().skip(1) {
                        let target = word.split_once(':').map_or(word, |(_, t)| t);
                        if target.starts_with('T') {
                            assert!(ids.contains(target), "{line}: {target} defined above");
                        }
                    }
                }
                "#" => {
                    let (spec, tail) = rest.split_once('\t').unwrap();
                    if spec.starts_with("Spanwise") {
                        let meta: Json = serde_json::from_str(tail).unwrap();
                        assert!(meta["id"].as_u64().is_some());
                    }
                }
                other => panic!("unexpected line type {other}"),
            }
        }
    }
    assert_eq!(t_lines, project.annotation_count());
    // The annotation across a blank line is cut there; the discontinuous one keeps its two pieces.
    let ann = &files[0].1;
    assert!(ann.lines().any(|l| l.starts_with('T') && l.ends_with("\ttoo. A second")), "{ann}");
    assert!(ann.lines().any(|l| l.starts_with('T') && l.ends_with("\tThe family agreed") && l.contains(';')));
    assert!(ann.contains("\tAnnotatorNotes T2\t=HYPERLINK"));
    assert!(
        ann.contains("A1\tstance T4 against") || ann.lines().any(|l| l.starts_with('A') && l.ends_with(" against"))
    );
    let all = fragments(&project);
    let cut: BTreeSet<_> = spans.difference(&all).collect();
    assert_eq!(cut.len(), 2, "only the fragment across the blank line differs (two pieces): {cut:?}");
}

fn conll_rows(text: &str) -> (Vec<&str>, Vec<Vec<Vec<&str>>>) {
    let mut comments = Vec::new();
    let mut docs: Vec<Vec<Vec<&str>>> = Vec::new();
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            comments.push(comment);
        } else if line.starts_with("-DOCSTART-") {
            docs.push(Vec::new());
        } else if !line.is_empty() {
            docs.last_mut().unwrap().push(line.split(' ').collect());
        }
    }
    (comments, docs)
}

fn assert_iob2(tags: &[&str]) {
    let mut previous = "O";
    for &tag in tags {
        if let Some(label) = tag.strip_prefix("I-") {
            assert!(previous == format!("B-{label}") || previous == tag, "{tag} after {previous}");
        } else {
            assert!(tag == "O" || tag.starts_with("B-"), "{tag}");
        }
        previous = tag;
    }
}

#[test]
fn conll_is_iob2_with_the_rule_stated() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Conll, &ExportOptions::default());
    let text = read(&out);
    let (comments, docs) = conll_rows(&text);
    assert!(comments.iter().any(|c| c.starts_with("tokens: Unicode word boundaries")), "{comments:?}");
    assert!(comments.iter().any(|c| c.starts_with("overlapping annotations: priority: labels in codebook order")));
    assert!(comments.iter().any(|c| c.starts_with("left out because of overlaps: ")));
    assert_eq!(docs.len(), 2);
    for (rows, doc) in docs.iter().zip(&project.documents) {
        // No text is lost: the tokens are the text without its whitespace.
        let tokens: String = rows.iter().map(|r| r[0]).collect();
        let letters: String = doc.text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(tokens, letters);
        assert!(rows.iter().all(|r| r.len() == 4 && r[1] == "-X-" && r[2] == "_"));
        let tags: Vec<&str> = rows.iter().map(|r| r[3]).collect();
        assert_iob2(&tags);
    }
    let tagged: Vec<(&str, &str)> = docs[0].iter().map(|r| (r[0], r[3])).collect();
    assert!(tagged.contains(&("👨\u{200d}👩\u{200d}👧", "O")), "the ZWJ family is one token");
    assert!(tagged.contains(&("شبکه\u{200c}های", "B-claim")), "a ZWNJ word is one token");
    assert!(tagged.contains(&("社", "B-recommendation")) && tagged.contains(&("体", "I-recommendation")));
    assert!(tagged.contains(&("🙂", "B-actor")));

    let columns = ExportOptions { overlaps: OverlapPolicy::ColumnPerLabel, ..Default::default() };
    let (_dir, out) = run(&project, Format::Conll, &columns);
    let text = read(&out);
    let (comments, docs) = conll_rows(&text);
    assert!(comments.contains(&"columns: token claim quote actor recommendation"), "{comments:?}");
    for rows in &docs {
        assert!(rows.iter().all(|r| r.len() == 5));
        for column in 1..5 {
            let tags: Vec<&str> = rows.iter().map(|r| r[column]).collect();
            assert_iob2(&tags);
        }
    }
    // Overlapping annotations of different labels are all there, each in its column.
    let row = docs[0].iter().find(|r| r[0] == "taxes").unwrap();
    assert_eq!(&row[1..], ["B-claim", "I-quote", "O", "O"]);
}

#[test]
fn hf_tokens_and_spans_line_up() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Hf, &ExportOptions::default());
    let card = read(&out.join("README.md"));
    let names =
        ["O", "B-claim", "I-claim", "B-quote", "I-quote", "B-actor", "I-actor", "B-recommendation", "I-recommendation"];
    for (i, name) in names.iter().enumerate() {
        assert!(card.contains(&format!("'{i}': \"{name}\"")), "{card}");
    }
    let texts: BTreeMap<&str, &str> = project.documents.iter().map(|d| (d.id.as_str(), d.text.as_str())).collect();
    let mut tag_count = 0;
    for line in read(&out.join("tokens.jsonl")).lines() {
        let row: Json = serde_json::from_str(line).unwrap();
        let text = texts[row["document_id"].as_str().unwrap()];
        let tokens = row["tokens"].as_array().unwrap();
        let tags: Vec<usize> =
            row["ner_tags"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap() as usize).collect();
        assert_eq!(tokens.len(), tags.len());
        for ((token, s), e) in tokens.iter().zip(row["starts"].as_array().unwrap()).zip(row["ends"].as_array().unwrap())
        {
            assert_eq!(
                chars(text, s.as_u64().unwrap() as usize, e.as_u64().unwrap() as usize),
                token.as_str().unwrap()
            );
        }
        let tag_names: Vec<&str> = tags.iter().map(|&t| names[t]).collect();
        assert_iob2(&tag_names);
        tag_count += tags.iter().filter(|&&t| t % 2 == 1).count();
    }
    assert!(tag_count > 0);
    let mut spans = BTreeSet::new();
    for line in read(&out.join("spans.jsonl")).lines() {
        let row: Json = serde_json::from_str(line).unwrap();
        let text = row["text"].as_str().unwrap();
        for span in row["spans"].as_array().unwrap() {
            let (s, e) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
            assert_eq!(chars(text, s, e), span["text"].as_str().unwrap());
            spans.insert((row["id"].as_str().unwrap().to_owned(), s, e, span["label"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(spans, fragments(&project), "every fragment, overlaps kept");
}

#[test]
fn spacy_doc_json_tokens_cover_the_text_and_spans_align() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Spacy, &ExportOptions::default());
    let lines: Vec<Json> = read(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    for (obj, doc) in lines.iter().zip(&project.documents) {
        assert_eq!(obj["text"], doc.text.as_str());
        let text: Vec<char> = doc.text.chars().collect();
        let tokens: Vec<(usize, usize)> = obj["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                assert_eq!(t["id"], i);
                (t["start"].as_u64().unwrap() as usize, t["end"].as_u64().unwrap() as usize)
            })
            .collect();
        // What spaCy's get_words_and_spaces rebuilds: tokens back to back, or one space apart;
        // whitespace tokens hold all other whitespace.
        let mut position = 0;
        for &(s, e) in &tokens {
            assert!(e > s);
            assert!(s == position || (s == position + 1 && text[position] == ' '), "gap before token {s}..{e}");
            let token: String = text[s..e].iter().collect();
            let spaces = token.chars().all(char::is_whitespace);
            assert!(spaces || (!token.starts_with(char::is_whitespace) && !token.ends_with(char::is_whitespace)));
            position = e;
        }
        assert!(position == text.len() || (position + 1 == text.len() && text[position] == ' '));
        let starts: BTreeSet<usize> = tokens.iter().map(|t| t.0).collect();
        let ends: BTreeSet<usize> = tokens.iter().map(|t| t.1).collect();
        let mut expected = BTreeSet::new();
        for a in &doc.annotations {
            for f in &a.fragments {
                let trimmed = f.text.trim();
                let lead = f.text.chars().take_while(|c| c.is_whitespace()).count();
                expected.insert((f.start + lead, f.start + lead + trimmed.chars().count(), a.label.to_string()));
            }
        }
        let mut got = BTreeSet::new();
        for span in obj["spans"]["sc"].as_array().unwrap() {
            let (s, e) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
            assert!(starts.contains(&s) && ends.contains(&e), "span {s}..{e} on token boundaries");
            assert_eq!(span["kb_id"], "");
            got.insert((s, e, span["label"].as_str().unwrap().to_owned()));
        }
        assert_eq!(got, expected);
        let mut previous_end = 0;
        for ent in obj["ents"].as_array().unwrap() {
            let (s, e) = (ent["start"].as_u64().unwrap() as usize, ent["end"].as_u64().unwrap() as usize);
            assert!(s >= previous_end, "entities do not overlap");
            assert!(got.contains(&(s, e, ent["label"].as_str().unwrap().to_owned())));
            previous_end = e;
        }
        assert_eq!(obj["spanwise"]["document_id"], doc.id);
    }
}

#[test]
fn w3c_selectors_use_code_points_and_only_context_terms() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::W3c, &ExportOptions::default());
    let json: Json = serde_json::from_str(&read(&out)).unwrap();
    let context: Json = serde_json::from_str(&read(&fixture::shared().join("reference/w3c/anno.jsonld"))).unwrap();
    let terms: BTreeSet<&str> = context["@context"].as_object().unwrap().keys().map(String::as_str).collect();
    fn walk<'a>(value: &'a Json, keys: &mut BTreeSet<&'a str>) {
        match value {
            Json::Object(map) => {
                for (k, v) in map {
                    keys.insert(k);
                    walk(v, keys);
                }
            }
            Json::Array(items) => items.iter().for_each(|i| walk(i, keys)),
            _ => {}
        }
    }
    let mut keys = BTreeSet::new();
    walk(&json, &mut keys);
    let unknown: Vec<_> = keys.iter().filter(|k| !k.starts_with('@') && !terms.contains(*k)).collect();
    assert!(unknown.is_empty(), "JSON-LD expansion would drop {unknown:?}");
    assert_eq!(json["type"], "AnnotationCollection");
    let items = json["first"]["items"].as_array().unwrap();
    assert_eq!(json["total"], items.len());
    let docs = by_sha(&project);
    let mut spans = BTreeSet::new();
    for item in items {
        if item["motivation"] == "linking" {
            assert!(item["target"].as_str().unwrap().starts_with("urn:spanwise:annotation:"));
            assert!(
                item["body"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|b| b.as_str().is_some_and(|s| s.starts_with("urn:spanwise:annotation:")))
            );
            continue;
        }
        let targets = match &item["target"] {
            Json::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        let label = item["body"][0]["id"].as_str().unwrap().trim_start_matches("urn:spanwise:label:").to_owned();
        for target in targets {
            let doc = docs[target["source"].as_str().unwrap().trim_start_matches("urn:spanwise:text:")];
            let position = &target["selector"][0];
            let quote = &target["selector"][1];
            assert_eq!(position["type"], "TextPositionSelector");
            let (s, e) = (position["start"].as_u64().unwrap() as usize, position["end"].as_u64().unwrap() as usize);
            assert_eq!(chars(&doc.text, s, e), quote["exact"].as_str().unwrap());
            let prefix = quote["prefix"].as_str().unwrap();
            assert!(chars(&doc.text, 0, s).ends_with(prefix) && prefix.chars().count() <= 32);
            assert!(chars(&doc.text, e, doc.char_len()).starts_with(quote["suffix"].as_str().unwrap()));
            spans.insert((doc.id.clone(), s, e, label.clone()));
        }
    }
    assert_eq!(spans, fragments(&project));
    let scoped = items.iter().filter(|i| i["target"]["scope"] == "https://example.org/article-1").count();
    assert!(scoped > 0, "the document's URL is the targets' scope");
}

#[test]
fn labelstudio_regions_use_code_points_and_the_config_names() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::LabelStudio, &ExportOptions::default());
    let config = read(&out.join("labeling-config.xml"));
    assert!(config.contains("<Label value=\"Claim\" background=\"#e15759\" hotkey=\"1\"/>"));
    assert!(
        config.contains("<Relation value=\"Attributed to\"/>")
            && config.contains("<Relation value=\"Spanwise fragment\"/>")
    );
    assert!(config.contains("<Choices name=\"attr_stance\" toName=\"text\" perRegion=\"true\" choice=\"single\">"));
    assert!(config.contains("<Number name=\"attr_certainty\""));
    let tasks: Json = serde_json::from_str(&read(&out.join("tasks.json"))).unwrap();
    let mut regions = BTreeSet::new();
    for (task, doc) in tasks.as_array().unwrap().iter().zip(&project.documents) {
        let text = task["data"]["text"].as_str().unwrap();
        assert_eq!(text, doc.text);
        for completion in task["annotations"].as_array().unwrap() {
            for result in completion["result"].as_array().unwrap() {
                let from_name = result["from_name"].as_str().unwrap_or_default();
                if !from_name.is_empty() {
                    assert!(config.contains(&format!("name=\"{from_name}\"")), "{from_name} in the config");
                }
                if result["type"] == "labels" {
                    let v = &result["value"];
                    let (s, e) = (v["start"].as_u64().unwrap() as usize, v["end"].as_u64().unwrap() as usize);
                    assert_eq!(chars(text, s, e), v["text"].as_str().unwrap());
                    let name = v["labels"][0].as_str().unwrap();
                    assert!(config.contains(&format!("<Label value=\"{name}\"")));
                    regions.insert((doc.id.clone(), s, e));
                }
            }
        }
    }
    let expected: BTreeSet<_> = fragments(&project).into_iter().map(|(d, s, e, _)| (d, s, e)).collect();
    assert_eq!(regions, expected);

    let predictions =
        ExportOptions { labelstudio_target: export::LabelStudioTarget::Predictions, ..Default::default() };
    let (_dir, out) = run(&project, Format::LabelStudio, &predictions);
    let tasks: Json = serde_json::from_str(&read(&out.join("tasks.json"))).unwrap();
    assert!(tasks[0].get("annotations").is_none());
    assert_eq!(tasks[0]["predictions"][0]["model_version"], "spanwise:ana");
}

#[test]
fn doccano_offsets_are_utf16_units_or_code_points() {
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Doccano, &ExportOptions::default());
    let doc = &project.documents[0];
    let claim = doc.annotations.iter().find(|a| a.note.starts_with("checked")).unwrap();
    let units: Vec<u16> = doc.text.encode_utf16().collect();
    let mut found = false;
    for line in read(&out).lines() {
        let obj: Json = serde_json::from_str(line).unwrap();
        let text: Vec<u16> = obj["text"].as_str().unwrap().encode_utf16().collect();
        for entity in obj["entities"].as_array().unwrap() {
            let (s, e) =
                (entity["start_offset"].as_u64().unwrap() as usize, entity["end_offset"].as_u64().unwrap() as usize);
            let slice = String::from_utf16(&text[s..e]).expect("never inside a surrogate pair");
            assert!(!slice.is_empty());
        }
        if obj["spanwise_document_id"] == "d1" {
            let entity = obj["entities"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| {
                    String::from_utf16(
                        &units
                            [e["start_offset"].as_u64().unwrap() as usize..e["end_offset"].as_u64().unwrap() as usize],
                    )
                    .unwrap()
                        == "taxes will fall"
                })
                .unwrap();
            assert_eq!(
                entity["start_offset"].as_u64().unwrap() as usize,
                claim.start() + 1,
                "🙂 before it is two UTF-16 units"
            );
            found = true;
            assert!(!obj["relations"].as_array().unwrap().is_empty());
        }
    }
    assert!(found);
    let code_points = ExportOptions { doccano_offsets: OffsetUnit::CodePoints, ..Default::default() };
    let (_dir, out) = run(&project, Format::Doccano, &code_points);
    let first: Json = serde_json::from_str(read(&out).lines().next().unwrap()).unwrap();
    assert!(
        first["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["start_offset"].as_u64().unwrap() as usize == claim.start())
    );
}

#[test]
fn qdpx_is_a_zip_with_lf_sources_and_code_point_selections() {
    use std::io::Read;
    let project = fixture::project();
    let (_dir, out) = run(&project, Format::Qdpx, &ExportOptions::default());
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut qde = String::new();
    zip.by_name("project.qde").unwrap().read_to_string(&mut qde).unwrap();
    assert!(qde.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\""));
    let guid = |value: &str| {
        let parts: Vec<&str> = value.split('-').collect();
        parts.len() == 5
            && [8, 4, 4, 4, 12]
                .iter()
                .zip(&parts)
                .all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_hexdigit()))
    };
    let mut selections = 0;
    let mut reader = quick_xml::Reader::from_str(&qde);
    let mut source_text = String::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let attributes: BTreeMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned(),
                        )
                    })
                    .collect();
                for (key, value) in &attributes {
                    if key == "guid" || key.ends_with("GUID") || key == "creatingUser" || key == "modifyingUser" {
                        assert!(guid(value), "{key}={value} is a GUID");
                    }
                }
                match e.local_name().as_ref() {
                    b"TextSource" => {
                        let path = attributes["plainTextPath"].replace("internal://", "sources/");
                        source_text.clear();
                        zip.by_name(&path).unwrap().read_to_string(&mut source_text).unwrap();
                        assert!(!source_text.contains('\r'), "LF only");
                    }
                    b"PlainTextSelection" => {
                        let (s, e): (usize, usize) =
                            (attributes["startPosition"].parse().unwrap(), attributes["endPosition"].parse().unwrap());
                        assert_eq!(chars(&source_text, s, e), attributes["name"], "code points, end exclusive");
                        selections += 1;
                    }
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(selections, fragments(&project).len());
    assert!(qde.contains("<Code guid=") && qde.contains("name=\"Claim\" isCodable=\"true\" color=\"#E15759\""));
    assert!(qde.contains("<Link ") && qde.contains("name=\"Attributed to\" direction=\"OneWay\""));
    assert!(qde.contains("name=\"Spanwise fragment\""));
    assert!(qde.contains("Spanwise attributes:&#10;certainty: 0.75&#10;stance: against"));
    assert!(qde.contains("<Variable guid=") && qde.contains("typeOfVariable=\"Boolean\""));
    assert!(qde.contains("Contested &lt;by&gt; &amp; others."), "memo as a note");
}

#[test]
fn every_format_writes_only_complete_output_and_can_be_cancelled() {
    let project = fixture::project();
    for format in Format::ALL.into_iter().filter(|f| f.available()) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(format!("out.{}", format.extension()));
        let calls = std::cell::Cell::new(0u32);
        let cancel = |_done: u64, _total: u64| {
            calls.set(calls.get() + 1);
            std::ops::ControlFlow::Break(())
        };
        let err = export::export(&project, format, &ExportOptions::default(), &out, &cancel).unwrap_err();
        assert!(matches!(err, export::ExportError::Cancelled), "{format}: {err}");
        assert!(calls.get() >= 1);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{format}: nothing left after cancel");
        let reports = std::cell::RefCell::new(Vec::new());
        let record = |done: u64, total: u64| {
            reports.borrow_mut().push((done, total));
            std::ops::ControlFlow::Continue(())
        };
        export::export(&project, format, &ExportOptions::default(), &out, &record).unwrap();
        let reports = reports.into_inner();
        let (done, total) = *reports.last().unwrap();
        assert_eq!(done, total, "{format}: progress ends at 100 %");
        assert!(reports.windows(2).all(|w| w[0].0 <= w[1].0), "{format}: progress never goes back");
        let entries: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(entries, [format!("out.{}", format.extension())], "{format}: only the output, no temporary files");
    }
}

#[test]
fn export_errors_are_specific() {
    let project = fixture::project();
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("thesis");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("chapter1.docx"), "precious").unwrap();
    let err = export::export(&project, Format::Brat, &ExportOptions::default(), &mine, &export::no_progress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not an earlier Spanwise export"), "{err}");
    assert_eq!(read(&mine.join("chapter1.docx")), "precious");
    let err = export::export(&project, Format::Json, &ExportOptions::default(), &mine, &export::no_progress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("this is a folder"), "{err}");
    let only = ExportOptions { documents: Some(vec!["d9".into()]), ..Default::default() };
    let err = export::export(&project, Format::Json, &only, &dir.path().join("x.json"), &export::no_progress)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "no document \"d9\" in the project");
    let missing = dir.path().join("no/such/folder/x.json");
    let err = export::export(&project, Format::Json, &ExportOptions::default(), &missing, &export::no_progress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot write") && err.contains("the folder does not exist"), "{err}");
}

#[test]
fn a_subset_of_documents() {
    let project = fixture::project();
    let only = ExportOptions { documents: Some(vec!["d2".into()]), ..Default::default() };
    let (_dir, out) = {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.jsonl");
        let summary = export::export(&project, Format::Jsonl, &only, &out, &export::no_progress).unwrap();
        assert_eq!(summary.documents, 1);
        assert_eq!(summary.annotations, project.documents[1].annotations.len());
        (dir, out)
    };
    let lines: Vec<Json> = read(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], "d2");
}
