//! `spacy`: JSON Lines, one `Doc.to_json()` object per document, which spaCy loads with
//! `Doc(nlp.vocab).from_json(obj, validate=True)` (spaCy ≥ 3.4) and turns into a training
//! `DocBin` in two lines (see `docs/EXPORT.md`).
//!
//! Chosen over writing the `.spacy` DocBin directly: `from_json` is public, documented API
//! checked by spaCy's own schema, while a DocBin is zlib-compressed msgpack of spaCy's private
//! arrays (string hashes, packed span structs) whose layout has changed between versions.
//!
//! The tokens are Spanwise's (see `tokens`), so every span lines up with tokens by construction;
//! whitespace other than one space after a token becomes a whitespace token exactly as spaCy
//! rebuilds it (`spacy.util.get_words_and_spaces`). Every annotation fragment is a span in
//! `spans["sc"]` (the default key of spaCy's span categorizer; overlaps allowed), trimmed of
//! surrounding whitespace; `ents` holds the non-overlapping subset by the priority rule.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::output::{AtomicFile, io_at};
use super::tokens::{self, Token, is_space};
use super::{ExportError, Job};
use crate::model::Document;

/// The span group that holds every annotation.
pub const SPANS_KEY: &str = "sc";

#[derive(Serialize)]
struct TokenOut {
    id: usize,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    kb_id: &'static str,
}

#[derive(Serialize)]
struct EntOut<'a> {
    start: usize,
    end: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct SentOut {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct SpanwiseOut<'a> {
    document_id: &'a str,
    name: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct DocOut<'a> {
    text: &'a str,
    tokens: Vec<TokenOut>,
    ents: Vec<EntOut<'a>>,
    spans: std::collections::BTreeMap<&'static str, Vec<SpanOut<'a>>>,
    sents: Vec<SentOut>,
    spanwise: SpanwiseOut<'a>,
}

/// spaCy's tokens for a text: ours, plus a whitespace token for any whitespace that is not a
/// single space after a token, as `get_words_and_spaces` makes them (code point ranges).
pub fn spacy_tokens(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(tokens.len() + tokens.len() / 8);
    let mut position = 0usize;
    let total = text.chars().count();
    for token in tokens {
        if token.start > position {
            out.push((position, token.start));
        }
        out.push((token.start, token.end));
        position = token.end;
        if text.as_bytes().get(token.byte_end) == Some(&b' ') {
            position += 1;
        }
    }
    if position < total {
        out.push((position, total));
    }
    out
}

/// A fragment without surrounding whitespace; `None` if nothing is left.
fn trimmed(document: &Document, start: usize, end: usize) -> Option<(usize, usize)> {
    let text = document.slice(start..end)?;
    let leading = text.chars().take_while(|c| is_space(*c)).count();
    let trailing = text.chars().rev().take_while(|c| is_space(*c)).count();
    let length = end - start;
    (leading + trailing < length).then_some((start + leading, end - trailing))
}

pub fn write(job: &mut Job, out: &Path) -> Result<(), ExportError> {
    let mut file = AtomicFile::create(out)?;
    let mut left_out_total = 0;
    let documents = job.documents.clone();
    for document in documents {
        let cuts = tokens::boundaries(document);
        let token_list = tokens::tokenize(&document.text, &cuts);
        let (entities, left_out) = tokens::select_entities(document, &token_list, &cuts, &job.project.codebook, None);
        left_out_total += left_out;
        let spans: Vec<SpanOut> = document
            .annotations
            .iter()
            .flat_map(|a| {
                a.fragments.iter().filter_map(move |f| {
                    let (start, end) = trimmed(document, f.start, f.end)?;
                    Some(SpanOut { start, end, label: &a.label, kb_id: "" })
                })
            })
            .collect();
        let doc = DocOut {
            text: &document.text,
            tokens: spacy_tokens(&document.text, &token_list)
                .into_iter()
                .enumerate()
                .map(|(id, (start, end))| TokenOut { id, start, end })
                .collect(),
            ents: entities
                .iter()
                .map(|e| EntOut {
                    start: token_list[e.tokens.start].start,
                    end: token_list[e.tokens.end - 1].end,
                    label: &e.label,
                })
                .collect(),
            spans: std::iter::once((SPANS_KEY, spans)).collect(),
            sents: tokens::sentences(&token_list, document)
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(|s| SentOut { start: token_list[s.start].start, end: token_list[s.end - 1].end })
                .collect(),
            spanwise: SpanwiseOut { document_id: &document.id, name: &document.name, sha256: &document.sha256 },
        };
        // Serialized into memory first: serde_json writes in small pieces.
        let mut line =
            serde_json::to_vec(&doc).map_err(|e| ExportError::Io { path: out.to_owned(), reason: e.to_string() })?;
        line.push(b'\n');
        file.write_all(&line).map_err(io_at(out))?;
        job.advance(Job::text_units(document) + document.annotations.len() as u64)?;
    }
    let discontinuous: usize =
        job.documents.iter().flat_map(|d| &d.annotations).filter(|a| a.fragments.len() > 1).count();
    if discontinuous > 0 {
        job.note(format!(
            "{discontinuous} discontinuous annotations are one span per fragment (spaCy spans are contiguous)"
        ));
    }
    if left_out_total > 0 {
        job.note(format!(
            "{left_out_total} overlapping annotations are only in spans[\"sc\"], not in ents (which cannot overlap)"
        ));
    }
    job.note("relations, attributes and notes have no place in a spaCy Doc and are not exported");
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_tokens_as_spacy_rebuilds_them() {
        let text = "  Anna said  hi.\n\nok ";
        let list = tokens::tokenize(text, &[]);
        let spacy: Vec<&str> = spacy_tokens(text, &list)
            .into_iter()
            .map(|(s, e)| {
                let b = text.char_indices().nth(s).map_or(text.len(), |(b, _)| b);
                let f = text.char_indices().nth(e).map_or(text.len(), |(b, _)| b);
                &text[b..f]
            })
            .collect();
        assert_eq!(spacy, ["  ", "Anna", "said", " ", "hi", ".", "\n\n", "ok"]);
    }
}
