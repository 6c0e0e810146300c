//! `conll`: IOB2 tags, one token per line, a blank line between sentences and a
//! `-DOCSTART-` line before each document, as in CoNLL-2003 (`token -X- _ TAG`, the layout the
//! Label Studio converter writes). The file starts with `#` comment lines that state the
//! tokenization and the rule for overlapping annotations. With [`OverlapPolicy::ColumnPerLabel`]
//! each label has its own tag column instead (`token TAG_label1 TAG_label2 …`).

use std::io::Write;
use std::path::Path;

use super::output::{AtomicFile, io_at};
use super::tokens;
use super::{ExportError, Job, OverlapPolicy};

/// The tokenization, as stated in the token exports.
pub const TOKENIZATION: &str = "Unicode word boundaries (UAX #29) with whitespace dropped, each token cut at every \
                                annotation boundary; label ids as tag names";

/// The priority rule in words, for file headers and notes.
pub fn priority_rule(job: &Job) -> String {
    let labels: Vec<&str> = job.project.codebook.labels.iter().map(|l| l.id.as_str()).collect();
    format!(
        "labels in codebook order ({}), then by start, longer first; an annotation fragment whose tokens are already \
         tagged is left out; each fragment of a discontinuous annotation is its own entity",
        labels.join(", ")
    )
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(out)?;
    let err = io_at(out);
    let policy = job.options.overlaps;
    let label_ids: Vec<String> = job.project.codebook.labels.iter().map(|l| l.id.clone()).collect();
    let tag_set = tokens::TagSet::new(&job.project.codebook, &job.documents);
    let mut body: Vec<u8> = Vec::with_capacity(job.documents.iter().map(|d| d.text.len() * 3).sum());
    let mut left_out_total = 0usize;
    let documents = job.documents.clone();
    for document in documents {
        let cuts = tokens::boundaries(document);
        let tokens = tokens::tokenize(&document.text, &cuts);
        let sentences = tokens::sentences(&tokens, document);
        // One tag column, or one per label.
        let columns: Vec<Vec<u32>> = match policy {
            OverlapPolicy::Priority => {
                let (entities, left_out) =
                    tokens::select_entities(document, &tokens, &cuts, &job.project.codebook, None);
                left_out_total += left_out;
                vec![tag_set.iob2(tokens.len(), &entities)]
            }
            OverlapPolicy::ColumnPerLabel => label_ids
                .iter()
                .map(|label| {
                    let (entities, left_out) =
                        tokens::select_entities(document, &tokens, &cuts, &job.project.codebook, Some(label));
                    left_out_total += left_out;
                    tag_set.iob2(tokens.len(), &entities)
                })
                .collect(),
        };
        match policy {
            OverlapPolicy::Priority => body.extend_from_slice(b"-DOCSTART- -X- -X- O\n\n"),
            OverlapPolicy::ColumnPerLabel => {
                body.extend_from_slice(b"-DOCSTART-");
                for _ in &label_ids {
                    body.extend_from_slice(b" O");
                }
                body.extend_from_slice(b"\n\n");
            }
        }
        for sentence in sentences {
            for i in sentence {
                let token = &tokens[i];
                body.extend_from_slice(&document.text.as_bytes()[token.byte_start..token.byte_end]);
                if policy == OverlapPolicy::Priority {
                    body.extend_from_slice(b" -X- _");
                }
                for column in &columns {
                    body.push(b' ');
                    body.extend_from_slice(tag_set.names[column[i] as usize].as_bytes());
                }
                body.push(b'\n');
            }
            body.push(b'\n');
        }
        job.advance(Job::text_units(document) + document.annotations.len() as u64)?;
    }
    let mut header = String::from("# Spanwise CoNLL export, IOB2 tags.\n");
    header.push_str(&format!("# tokens: {TOKENIZATION}.\n"));
    match policy {
        OverlapPolicy::Priority => {
            header.push_str("# columns: token -X- _ tag\n");
            header.push_str(&format!("# overlapping annotations: priority: {}.\n", priority_rule(job)));
        }
        OverlapPolicy::ColumnPerLabel => {
            header.push_str(&format!("# columns: token {}\n", label_ids.join(" ")));
            header.push_str(&format!(
                "# overlapping annotations: one tag column per label; within a label, {}.\n",
                priority_rule(job)
            ));
        }
    }
    header.push_str(&format!("# left out because of overlaps: {left_out_total} annotations.\n"));
    if left_out_total > 0 {
        job.note(format!(
            "{left_out_total} annotations overlap others and were left out of the tags (rule: {}); the spans are in \
             the json, spacy and hf exports",
            priority_rule(job)
        ));
    }
    file.write_all(header.as_bytes()).map_err(&err)?;
    file.write_all(&body).map_err(&err)?;
    file.commit()
}
