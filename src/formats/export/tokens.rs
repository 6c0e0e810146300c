//! Tokens for the token-based exports (CoNLL, Hugging Face, spaCy).
//!
//! Tokenization: Unicode word boundaries (UAX #29, `unicode-segmentation`), whitespace dropped;
//! so words, numbers and each punctuation mark are tokens, an emoji ZWJ sequence stays one token,
//! a Persian word with a zero-width non-joiner stays one word, and each Chinese character is a
//! token. Every annotation boundary inside a token cuts it, so every span is a whole number of
//! tokens. Sentences end at a line break, or after `.`, `!`, `?`, `…`, `。`, `！`, `？`, `؟`
//! unless an annotation continues across.

use unicode_segmentation::UnicodeSegmentation;

use crate::model::{Codebook, Document};

/// A token: half-open code point range into the document text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    /// A line break or sentence end follows it.
    pub sentence_end: bool,
}

/// Whether Python's `str.isspace` is true for the character (spaCy decides whitespace with it).
pub fn is_space(ch: char) -> bool {
    ch.is_whitespace() || matches!(ch, '\u{1c}'..='\u{1f}')
}

fn ends_sentence(token: &str) -> bool {
    matches!(token, "." | "!" | "?" | "…" | "。" | "！" | "？" | "؟" | "..." | "?!" | "!?")
}

/// Every annotation fragment boundary of a document, sorted and without duplicates.
pub fn boundaries(document: &Document) -> Vec<usize> {
    let mut cuts: Vec<usize> = Vec::with_capacity(document.annotations.len() * 2);
    for annotation in &document.annotations {
        for fragment in &annotation.fragments {
            cuts.push(fragment.start);
            cuts.push(fragment.end);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// Tokens of `text`, cut at every offset in `cuts` (sorted code point offsets).
pub fn tokenize(text: &str, cuts: &[usize]) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let mut chars_before = 0usize;
    let mut cut_at = 0usize;
    for (byte, segment) in text.split_word_bound_indices() {
        let length = segment.chars().count();
        let start = chars_before;
        chars_before += length;
        if segment.chars().all(is_space) {
            if segment.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'])
                && let Some(last) = tokens.last_mut()
            {
                last.sentence_end = true;
            }
            continue;
        }
        // Cuts strictly inside this segment split it.
        while cut_at < cuts.len() && cuts[cut_at] <= start {
            cut_at += 1;
        }
        let mut piece_start = start;
        let mut piece_byte = byte;
        let end = start + length;
        if cut_at < cuts.len() && cuts[cut_at] < end {
            for (offset, (inner_byte, _)) in (start..).zip(segment.char_indices()) {
                if offset > piece_start && cut_at < cuts.len() && cuts[cut_at] == offset {
                    push_piece(&mut tokens, text, piece_start, offset, piece_byte, byte + inner_byte);
                    piece_start = offset;
                    piece_byte = byte + inner_byte;
                    cut_at += 1;
                }
            }
        }
        push_piece(&mut tokens, text, piece_start, end, piece_byte, byte + segment.len());
        if ends_sentence(segment)
            && let Some(last) = tokens.last_mut()
        {
            last.sentence_end = true;
        }
    }
    tokens
}

/// Pushes a piece of a segment without whitespace at its edges (a combining mark or ZWJ after a
/// space joins the space's segment), so no token starts or ends with whitespace.
fn push_piece(tokens: &mut Vec<Token>, text: &str, start: usize, end: usize, byte_start: usize, byte_end: usize) {
    let piece = &text[byte_start..byte_end];
    let leading: Vec<char> = piece.chars().take_while(|c| is_space(*c)).collect();
    if leading.len() == end - start {
        return;
    }
    let trailing: Vec<char> = piece.chars().rev().take_while(|c| is_space(*c)).collect();
    tokens.push(Token {
        start: start + leading.len(),
        end: end - trailing.len(),
        byte_start: byte_start + leading.iter().map(|c| c.len_utf8()).sum::<usize>(),
        byte_end: byte_end - trailing.iter().map(|c| c.len_utf8()).sum::<usize>(),
        sentence_end: false,
    });
}

/// Sentences as token index ranges: split after tokens marked `sentence_end`, except where an
/// annotation fragment spans the split.
pub fn sentences(tokens: &[Token], document: &Document) -> Vec<std::ops::Range<usize>> {
    // Code point positions that lie inside some fragment (between its first and last char).
    let mut inside: Vec<(usize, usize)> =
        document.annotations.iter().flat_map(|a| a.fragments.iter().map(|f| (f.start, f.end))).collect();
    inside.sort_unstable();
    // Merge into disjoint covered ranges.
    let mut covered: Vec<(usize, usize)> = Vec::with_capacity(inside.len());
    for (start, end) in inside {
        match covered.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => covered.push((start, end)),
        }
    }
    let crosses = |boundary: usize| -> bool {
        let at = covered.partition_point(|&(start, _)| start < boundary);
        at > 0 && covered[at - 1].1 > boundary
    };
    let mut result = Vec::new();
    let mut first = 0;
    for (i, token) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        if last || (token.sentence_end && !crosses(token.end)) {
            result.push(first..i + 1);
            first = i + 1;
        }
    }
    result
}

/// The tokens covering a code point range whose ends are annotation boundaries, found without
/// searching the (large) token array: one pass pairs every boundary with the first token ending
/// after it and the first token starting at or after it.
pub struct TokenLookup<'c> {
    cuts: &'c [usize],
    first_ending_after: Vec<u32>,
    first_starting_from: Vec<u32>,
}

impl<'c> TokenLookup<'c> {
    /// `cuts`: the sorted annotation boundaries the tokens were cut at.
    pub fn new(tokens: &[Token], cuts: &'c [usize]) -> Self {
        let mut first_ending_after = Vec::with_capacity(cuts.len());
        let mut first_starting_from = Vec::with_capacity(cuts.len());
        let (mut ending, mut starting) = (0usize, 0usize);
        for &cut in cuts {
            while ending < tokens.len() && tokens[ending].end <= cut {
                ending += 1;
            }
            while starting < tokens.len() && tokens[starting].start < cut {
                starting += 1;
            }
            first_ending_after.push(ending as u32);
            first_starting_from.push(starting as u32);
        }
        Self { cuts, first_ending_after, first_starting_from }
    }

    /// Token index range covering exactly the non-whitespace part of `start..end` (both must be
    /// boundaries); `None` when the range holds no token.
    pub fn covering(&self, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
        let first = self.first_ending_after[self.cuts.binary_search(&start).ok()?] as usize;
        let last = self.first_starting_from[self.cuts.binary_search(&end).ok()?] as usize;
        (first < last).then_some(first..last)
    }
}

/// One tagged entity: token range and label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    pub tokens: std::ops::Range<usize>,
    pub label: String,
}

/// Selects non-overlapping entities by the priority rule: labels in codebook order (labels the
/// codebook lacks after them), then by start, longer first. A fragment whose tokens are already
/// taken is left out. Returns the entities (sorted by token) and how many annotations lost at
/// least one fragment. Each fragment of a discontinuous annotation is its own entity.
pub fn select_entities(
    document: &Document,
    tokens: &[Token],
    cuts: &[usize],
    codebook: &Codebook,
    only_label: Option<&str>,
) -> (Vec<Entity>, usize) {
    let lookup = TokenLookup::new(tokens, cuts);
    // Each label's rank looked up once per annotation, not in every comparison.
    let rank = |label: &str| codebook.labels.iter().position(|l| l.id == label).unwrap_or(usize::MAX);
    type Key = (usize, usize, std::cmp::Reverse<usize>, crate::model::ItemId);
    let mut keyed: Vec<(Key, &crate::model::Annotation)> = document
        .annotations
        .iter()
        .filter(|a| only_label.is_none_or(|l| a.label == l))
        .map(|a| ((rank(&a.label), a.start(), std::cmp::Reverse(a.end()), a.id), &**a))
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);
    let order = keyed.into_iter().map(|(_, a)| a);
    let mut taken = vec![false; tokens.len()];
    let mut entities = Vec::new();
    let mut left_out = 0;
    for annotation in order {
        let mut lost = false;
        for fragment in &annotation.fragments {
            let Some(range) = lookup.covering(fragment.start, fragment.end) else {
                continue;
            };
            if taken[range.clone()].iter().any(|&t| t) {
                lost = true;
                continue;
            }
            for t in &mut taken[range.clone()] {
                *t = true;
            }
            entities.push(Entity { tokens: range, label: annotation.label.to_string() });
        }
        if lost {
            left_out += 1;
        }
    }
    entities.sort_by_key(|e| e.tokens.start);
    (entities, left_out)
}

/// IOB2 tag names and ids: `O` is 0, then `B-label`, `I-label` for each label in order.
pub struct TagSet {
    pub names: Vec<String>,
    /// Label id -> id of its `B-` tag.
    begin: std::collections::HashMap<String, u32>,
}

impl TagSet {
    /// Tags for the codebook's labels in order, then any other labels the documents use (sorted).
    pub fn new(codebook: &Codebook, documents: &[&Document]) -> Self {
        let mut labels: Vec<String> = codebook.labels.iter().map(|l| l.id.clone()).collect();
        let mut others = std::collections::BTreeSet::new();
        for doc in documents {
            for annotation in &doc.annotations {
                if !labels.iter().any(|l| *l == annotation.label) {
                    others.insert(annotation.label.clone());
                }
            }
        }
        labels.extend(others.into_iter().map(String::from));
        let mut names = vec!["O".to_owned()];
        let mut begin = std::collections::HashMap::new();
        for label in labels {
            begin.insert(label.clone(), names.len() as u32);
            let tag = tag_label(&label);
            names.push(format!("B-{tag}"));
            names.push(format!("I-{tag}"));
        }
        Self { names, begin }
    }

    /// IOB2 tag ids for `token_count` tokens from non-overlapping entities: `B-` on the first
    /// token of each, `I-` on the rest, `O` (0) elsewhere.
    pub fn iob2(&self, token_count: usize, entities: &[Entity]) -> Vec<u32> {
        let mut tags = vec![0u32; token_count];
        for entity in entities {
            let Some(&begin) = self.begin.get(&entity.label) else { continue };
            for (k, i) in entity.tokens.clone().enumerate() {
                tags[i] = if k == 0 { begin } else { begin + 1 };
            }
        }
        tags
    }
}

/// A tag-safe form of a label (no whitespace: CoNLL columns are separated by spaces).
pub fn tag_label(label: &str) -> String {
    label.chars().map(|c| if is_space(c) { '_' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, tokens: &[Token]) -> Vec<String> {
        tokens.iter().map(|t| text[t.byte_start..t.byte_end].to_owned()).collect()
    }

    #[test]
    fn words_punctuation_emoji_persian_chinese() {
        let text = "Anna Müller 🙂 said: “taxes will fall.”\nشبکه‌های اجتماعی 社交 👨‍👩‍👧 ok";
        let tokens = tokenize(text, &[]);
        assert_eq!(
            texts(text, &tokens),
            [
                "Anna",
                "Müller",
                "🙂",
                "said",
                ":",
                "“",
                "taxes",
                "will",
                "fall",
                ".",
                "”",
                "شبکه‌های",
                "اجتماعی",
                "社",
                "交",
                "👨‍👩‍👧",
                "ok"
            ]
        );
        // Offsets are code points.
        let chars: Vec<char> = text.chars().collect();
        for t in &tokens {
            let by_chars: String = chars[t.start..t.end].iter().collect();
            assert_eq!(by_chars, text[t.byte_start..t.byte_end]);
        }
        assert!(tokens[9].sentence_end, "after the full stop");
        assert!(tokens[10].sentence_end, "before the line break");
    }

    #[test]
    fn annotation_boundaries_cut_tokens() {
        let text = "Müllerstraße 12";
        let tokens = tokenize(text, &[4, 6]);
        assert_eq!(texts(text, &tokens), ["Müll", "er", "straße", "12"]);
    }

    #[test]
    fn sentences_do_not_split_annotations() {
        let mut doc = Document::new("d1", "t", "One. Two three. Four".into());
        doc.annotations.push(Box::new(crate::model::Annotation {
            id: crate::model::ItemId(1),
            label: "claim".into(),
            fragments: vec![doc.fragment(0..9).unwrap()],
            annotator: "a".into(),
            created: crate::model::now(),
            modified: crate::model::now(),
            note: String::new(),
            attributes: Default::default(),
        }));
        let tokens = tokenize(&doc.text, &boundaries(&doc));
        let sentences = sentences(&tokens, &doc);
        assert_eq!(sentences, vec![0..5, 5..6]);
    }
}
