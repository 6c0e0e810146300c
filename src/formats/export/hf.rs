//! `hf`: a Hugging Face dataset folder. `tokens.jsonl` is token classification in the shape of
//! `conll2003` (`tokens`, `ner_tags` as class ids), one row per sentence, with each token's code
//! point `starts`/`ends`; `spans.jsonl` has one row per document with its text and every
//! annotation fragment (overlaps kept). `README.md` is the dataset card whose YAML declares both
//! configurations and their features, so `load_dataset("<folder>", "tokens")` gets `ner_tags`
//! as a `ClassLabel` with the tag names.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::output::{StagingDir, io_at};
use super::tokens;
use super::{ExportError, Job};

#[derive(Serialize)]
struct TokenRow<'a> {
    id: String,
    document_id: &'a str,
    tokens: Vec<&'a str>,
    ner_tags: Vec<u32>,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

#[derive(Serialize)]
struct Span<'a> {
    annotation_id: u64,
    label: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct SpanRow<'a> {
    id: &'a str,
    name: &'a str,
    text: &'a str,
    spans: Vec<Span<'a>>,
}

fn yaml_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

fn dataset_card(job: &Job, names: &[String], rule: &str) -> String {
    let mut card = String::from("---\nconfigs:\n- config_name: tokens\n  data_files: tokens.jsonl\n  default: true\n");
    card.push_str("- config_name: spans\n  data_files: spans.jsonl\n");
    card.push_str("dataset_info:\n- config_name: tokens\n  features:\n");
    card.push_str("  - name: id\n    dtype: string\n  - name: document_id\n    dtype: string\n");
    card.push_str("  - name: tokens\n    sequence: string\n");
    card.push_str("  - name: ner_tags\n    sequence:\n      class_label:\n        names:\n");
    for (i, name) in names.iter().enumerate() {
        card.push_str(&format!("          '{i}': {}\n", yaml_string(name)));
    }
    card.push_str("  - name: starts\n    sequence: int64\n  - name: ends\n    sequence: int64\n");
    card.push_str("- config_name: spans\n  features:\n");
    card.push_str(
        "  - name: id\n    dtype: string\n  - name: name\n    dtype: string\n  - name: text\n    dtype: string\n",
    );
    card.push_str("  - name: spans\n    list:\n");
    for (field, dtype) in
        [("annotation_id", "int64"), ("label", "string"), ("start", "int64"), ("end", "int64"), ("text", "string")]
    {
        card.push_str(&format!("    - name: {field}\n      dtype: {dtype}\n"));
    }
    card.push_str("---\n\n");
    card.push_str(&format!(
        "# {}\n\nExported by Spanwise {} on {}.\n\n",
        job.project.name,
        env!("CARGO_PKG_VERSION"),
        super::timestamp(&job.exported_at())
    ));
    card.push_str(
        "- `tokens` (default): one row per sentence; `ner_tags` are IOB2 class ids, `starts`/`ends` the \
                   tokens' code point offsets in the document text.\n",
    );
    card.push_str(
        "- `spans`: one row per document with its text and every annotation fragment (code point offsets, \
                   overlapping spans kept; a discontinuous annotation has one entry per fragment).\n\n",
    );
    card.push_str(&format!("Tokens: {}.\n\n", super::conll::TOKENIZATION));
    card.push_str(&format!("Overlapping annotations in `ner_tags`: {rule}.\n\n"));
    card.push_str(
        "```python\nfrom datasets import load_dataset\nds = load_dataset(\"path/to/this/folder\", \"tokens\")\n\
                   print(ds[\"train\"].features[\"ner_tags\"].feature.names)\n```\n",
    );
    card
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let staging = StagingDir::create(out)?;
    let tag_set = tokens::TagSet::new(&job.project.codebook, &job.documents);
    let names = &tag_set.names;
    let tokens_path = staging.final_path("tokens.jsonl");
    let spans_path = staging.final_path("spans.jsonl");
    let mut tokens_file = staging.file("tokens.jsonl")?;
    let mut spans_file = staging.file("spans.jsonl")?;
    let mut left_out_total = 0;
    let mut buffer: Vec<u8> = Vec::with_capacity(1 << 16);
    let documents = job.documents.clone();
    for document in documents {
        let cuts = tokens::boundaries(document);
        let token_list = tokens::tokenize(&document.text, &cuts);
        let (entities, left_out) = tokens::select_entities(document, &token_list, &cuts, &job.project.codebook, None);
        left_out_total += left_out;
        let tags = tag_set.iob2(token_list.len(), &entities);
        for (n, sentence) in tokens::sentences(&token_list, document).into_iter().enumerate() {
            let row = TokenRow {
                id: format!("{}-{n}", document.id),
                document_id: &document.id,
                tokens: sentence
                    .clone()
                    .map(|i| &document.text[token_list[i].byte_start..token_list[i].byte_end])
                    .collect(),
                ner_tags: sentence.clone().map(|i| tags[i]).collect(),
                starts: sentence.clone().map(|i| token_list[i].start).collect(),
                ends: sentence.map(|i| token_list[i].end).collect(),
            };
            buffer.clear();
            serde_json::to_writer(&mut buffer, &row)
                .map_err(|e| ExportError::Io { path: tokens_path.clone(), reason: e.to_string() })?;
            buffer.push(b'\n');
            tokens_file.write_all(&buffer).map_err(io_at(&tokens_path))?;
        }
        let row = SpanRow {
            id: &document.id,
            name: &document.name,
            text: &document.text,
            spans: document
                .annotations
                .iter()
                .flat_map(|a| {
                    a.fragments.iter().map(move |f| Span {
                        annotation_id: a.id.0,
                        label: &a.label,
                        start: f.start,
                        end: f.end,
                        text: &f.text,
                    })
                })
                .collect(),
        };
        let mut line = serde_json::to_vec(&row)
            .map_err(|e| ExportError::Io { path: spans_path.clone(), reason: e.to_string() })?;
        line.push(b'\n');
        spans_file.write_all(&line).map_err(io_at(&spans_path))?;
        job.advance(Job::text_units(document) + document.annotations.len() as u64)?;
    }
    tokens_file.finish()?;
    spans_file.finish()?;
    let rule = super::conll::priority_rule(job);
    let mut card = staging.file("README.md")?;
    card.write_all(dataset_card(job, names, &rule).as_bytes()).map_err(io_at(&staging.final_path("README.md")))?;
    card.finish()?;
    if left_out_total > 0 {
        job.note(format!(
            "{left_out_total} overlapping annotations are not in ner_tags (rule: {rule}); spans.jsonl has them all"
        ));
    }
    staging.commit("hf")
}
