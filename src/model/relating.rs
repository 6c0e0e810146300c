//! Rules for coding work beyond one span, as pure functions the UI (and tests) call: which
//! relation types the codebook allows between two annotations, adding a fragment to an
//! annotation, dragging a boundary, moving a selection by character or word, and finding every
//! occurrence of a phrase for "tag all". No egui, no I/O.

use std::ops::Range;

use super::codebook::{Codebook, RelationType};
use super::editing::{Boundary, word_at};
use super::project::{Annotation, Document, ItemId, Relation, Timestamp};

/// The relation types the codebook allows from an annotation labelled `from` to one labelled
/// `to` (an empty label list allows any label), in codebook order.
pub fn allowed_relation_types<'c>(codebook: &'c Codebook, from: &str, to: &str) -> Vec<&'c RelationType> {
    let fits = |allowed: &[String], label: &str| allowed.is_empty() || allowed.iter().any(|l| l == label);
    codebook.relation_types.iter().filter(|t| fits(&t.from_labels, from) && fits(&t.to_labels, to)).collect()
}

/// A new relation of `kind` from `from` to `to`.
pub fn new_relation(id: ItemId, kind: &str, from: ItemId, to: ItemId, annotator: &str, time: Timestamp) -> Relation {
    Relation {
        id,
        kind: kind.into(),
        from,
        to,
        annotator: annotator.into(),
        created: time,
        modified: time,
        note: String::new(),
    }
}

/// Why a fragment cannot be added.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FragmentRefusal {
    #[error("Select the text to add as a fragment first")]
    Empty,
    #[error("The new fragment overlaps the annotation; drag over text outside it")]
    Overlaps,
    #[error("The new fragment is outside the text")]
    OutOfRange,
}

/// `annotation` with `range` added as one more fragment (fragments stay in text order). A range
/// touching an existing fragment is merged into it.
pub fn with_fragment(
    annotation: &Annotation,
    document: &Document,
    range: Range<usize>,
) -> Result<Annotation, FragmentRefusal> {
    let range = super::editing::trimmed(document, range).map_err(|_| FragmentRefusal::Empty)?;
    if annotation.fragments.iter().any(|f| f.start < range.end && range.start < f.end) {
        return Err(FragmentRefusal::Overlaps);
    }
    let mut ranges: Vec<Range<usize>> = annotation.fragments.iter().map(|f| f.start..f.end).collect();
    ranges.push(range);
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if last.end == r.start => last.end = r.end,
            _ => merged.push(r),
        }
    }
    let mut changed = annotation.clone();
    changed.fragments = merged
        .into_iter()
        .map(|r| document.fragment(r).ok_or(FragmentRefusal::OutOfRange))
        .collect::<Result<_, _>>()?;
    Ok(changed)
}

/// `annotation` with its start or end dragged to `offset` (snapped to a word edge when `snap`).
/// `None` when the boundary would pass the other end of its fragment or leave the text.
pub fn boundary_moved_to(
    annotation: &Annotation,
    document: &Document,
    boundary: Boundary,
    offset: usize,
    snap: bool,
) -> Option<Annotation> {
    let offset = offset.min(document.char_len());
    let offset = if snap { snap_to_word_edge(document, offset, boundary) } else { offset };
    let index = match boundary {
        Boundary::Start => 0,
        Boundary::End => annotation.fragments.len().checked_sub(1)?,
    };
    let fragment = annotation.fragments.get(index)?;
    let range = match boundary {
        Boundary::Start => offset..fragment.end,
        Boundary::End => fragment.start..offset,
    };
    if range.start >= range.end {
        return None;
    }
    let mut changed = annotation.clone();
    changed.fragments[index] = document.fragment(range)?;
    Some(changed)
}

/// `offset` moved out of the middle of a word: to the word's start for a start boundary, to its
/// end for an end boundary.
fn snap_to_word_edge(document: &Document, offset: usize, boundary: Boundary) -> usize {
    if offset == 0 {
        return 0;
    }
    let word = word_at(document, offset - 1);
    if word.start < offset && offset < word.end {
        match boundary {
            Boundary::Start => word.start,
            Boundary::End => word.end,
        }
    } else {
        offset
    }
}

/// Where a caret at `offset` goes one step left or right: by a character, or by a word (to the
/// next word's end going right, to the previous word's start going left), like text editors.
pub fn step(document: &Document, offset: usize, forward: bool, by_word: bool) -> usize {
    let len = document.char_len();
    if !by_word {
        return if forward { (offset + 1).min(len) } else { offset.saturating_sub(1) };
    }
    let is_word = |o: usize| !word_at(document, o).is_empty();
    if forward {
        let mut o = offset;
        while o < len && !is_word(o) {
            o += 1;
        }
        if o < len { word_at(document, o).end } else { len }
    } else {
        let mut o = offset;
        while o > 0 && !is_word(o - 1) {
            o -= 1;
        }
        if o > 0 { word_at(document, o - 1).start } else { 0 }
    }
}

/// How "tag all" matches a phrase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatchOptions {
    pub match_case: bool,
    /// Only where the phrase is not part of a longer word.
    pub whole_word: bool,
}

/// Code point ranges of every occurrence of `needle` in `document` (non-overlapping, in order).
/// Without `match_case`, letters are compared by their lowercase forms where those have the same
/// length in code points (so offsets stay exact); other characters must match exactly.
pub fn occurrences(document: &Document, needle: &str, options: MatchOptions) -> Vec<Range<usize>> {
    let needle: Vec<char> = needle.chars().collect();
    if needle.is_empty() || needle.iter().all(|c| c.is_whitespace()) {
        return Vec::new();
    }
    let fold = |c: char| if options.match_case { c } else { fold_char(c) };
    let needle: Vec<char> = needle.into_iter().map(fold).collect();
    let text: Vec<char> = document.text.chars().map(fold).collect();
    let is_word_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = Vec::new();
    let mut i = 0;
    let first = needle[0];
    while i + needle.len() <= text.len() {
        if text[i] == first && text[i..i + needle.len()] == needle[..] {
            let end = i + needle.len();
            let bounded = !options.whole_word
                || ((i == 0 || !is_word_char(text[i - 1]) || !is_word_char(needle[0]))
                    && (end == text.len() || !is_word_char(text[end]) || !is_word_char(needle[needle.len() - 1])));
            if bounded {
                found.push(i..end);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// The lowercase form of `c` when it is one code point, else `c` itself.
fn fold_char(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The annotation after (or before) the one at `current` in document order, wrapping around;
/// the first (or last) when nothing is selected. `visible` says which annotations count.
pub fn neighbour<A: std::borrow::Borrow<Annotation>>(
    annotations: &[A],
    current: Option<ItemId>,
    forward: bool,
    visible: &dyn Fn(&Annotation) -> bool,
) -> Option<ItemId> {
    let at = current.and_then(|id| annotations.iter().position(|a| a.borrow().id == id));
    let n = annotations.len();
    if n == 0 {
        return None;
    }
    let order: Box<dyn Iterator<Item = usize>> = match (at, forward) {
        (Some(at), true) => Box::new((1..=n).map(move |k| (at + k) % n)),
        (Some(at), false) => Box::new((1..=n).map(move |k| (at + n - k) % n)),
        (None, true) => Box::new(0..n),
        (None, false) => Box::new((0..n).rev()),
    };
    order.map(|i| annotations[i].borrow()).find(|a| visible(a)).map(|a| a.id)
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one-fragment annotations are written as lists of one
mod tests {
    use super::*;
    use crate::model::{Codebook, Document, now};

    /// Every offset test carries ü, an emoji outside the BMP, a ZWJ sequence, Persian with ZWNJ
    /// and Chinese.
    const TEXT: &str = "Müller 🎉 said: «Revolutionary Guards» 👩‍👩‍👧 می‌خواهم 革命卫队 revolutionary guards. \
                        Revolutionary Guardsmen.";

    fn doc() -> Document {
        Document::new("d1", "t", TEXT.to_owned())
    }

    fn annotation(doc: &Document, label: &str, ranges: &[Range<usize>]) -> Annotation {
        let fragments = ranges.iter().map(|r| doc.fragment(r.clone()).unwrap()).collect();
        Annotation::new(ItemId(1), label, fragments, "ana", now())
    }

    fn offset(doc: &Document, needle: &str) -> usize {
        doc.text[..doc.text.find(needle).unwrap()].chars().count()
    }

    #[test]
    fn only_allowed_relation_types_are_offered() {
        let mut codebook = Codebook::default_news();
        codebook.relation_types = ron::from_str(
            r#"[
                (id: "attributed_to", name: "Attributed to", from_labels: ["quote", "claim"], to_labels: ["actor"]),
                (id: "supports", name: "Supports", from_labels: ["claim"], to_labels: ["claim"]),
                (id: "related", name: "Related"),
            ]"#,
        )
        .unwrap();
        let ids = |from, to| -> Vec<String> {
            allowed_relation_types(&codebook, from, to).iter().map(|t| t.id.clone()).collect()
        };
        assert_eq!(ids("quote", "actor"), ["attributed_to", "related"]);
        assert_eq!(ids("claim", "claim"), ["supports", "related"]);
        assert_eq!(ids("actor", "quote"), ["related"]);
    }

    #[test]
    fn a_fragment_is_added_in_order_and_touching_ones_merge() {
        let doc = doc();
        let said = offset(&doc, "said");
        let quote = offset(&doc, "«");
        let base = annotation(&doc, "quote", &[quote..quote + 22]);
        let two = with_fragment(&base, &doc, 0..6).unwrap();
        assert_eq!(two.fragments.len(), 2);
        assert_eq!(two.fragments[0].text, "Müller");
        assert_eq!(two.text(), "Müller … «Revolutionary Guards»");
        assert_eq!(with_fragment(&base, &doc, quote + 3..quote + 9), Err(FragmentRefusal::Overlaps));
        assert_eq!(with_fragment(&base, &doc, 6..7), Err(FragmentRefusal::Empty), "only white space");
        // Touching the fragment: one longer fragment.
        let inner = annotation(&doc, "quote", &[quote + 1..quote + 21]);
        let merged = with_fragment(&inner, &doc, quote + 21..quote + 22).unwrap();
        assert_eq!(merged.fragments.len(), 1);
        assert_eq!(merged.fragments[0].text, "Revolutionary Guards»");
        let said_added = with_fragment(&base, &doc, said..quote).unwrap();
        assert_eq!(said_added.fragments[0].text, "said:", "trimmed of white space");
        let persian = offset(&doc, "می");
        let far = with_fragment(&base, &doc, persian..persian + 8).unwrap();
        assert_eq!(far.fragments[1].text, "می‌خواهم");
    }

    #[test]
    fn boundaries_are_dragged_to_word_edges() {
        let doc = doc();
        let emoji = offset(&doc, "🎉");
        let base = annotation(&doc, "actor", &[emoji..emoji + 6]);
        assert_eq!(base.text(), "🎉 said");
        let moved = boundary_moved_to(&base, &doc, Boundary::Start, 2, true).unwrap();
        assert_eq!(moved.text(), "Müller 🎉 said", "snapped to the start of Müller");
        let exact = boundary_moved_to(&base, &doc, Boundary::Start, 2, false).unwrap();
        assert_eq!(exact.text(), "ller 🎉 said");
        let family = offset(&doc, "👩");
        let end = boundary_moved_to(&base, &doc, Boundary::End, family + 8, true).unwrap();
        assert!(end.text().ends_with("👩‍👩‍👧 می‌خواهم"), "{}", end.text());
        assert_eq!(boundary_moved_to(&base, &doc, Boundary::End, emoji, true), None, "past the start");
        let chinese = offset(&doc, "革");
        let far = boundary_moved_to(&base, &doc, Boundary::End, chinese + 2, true).unwrap();
        // Words by Unicode's word boundaries (UAX #29) without a dictionary: a Chinese character
        // is a word of its own, so the boundary stays where it was dragged.
        assert!(far.text().ends_with("革命"), "Chinese by character: {}", far.text());
    }

    #[test]
    fn steps_by_character_and_word() {
        let doc = doc();
        assert_eq!(step(&doc, 0, true, true), 6, "to the end of Müller");
        assert_eq!(step(&doc, 6, true, true), 13, "over the emoji to the end of said");
        assert_eq!(step(&doc, 13, false, true), 9);
        assert_eq!(step(&doc, 1, true, false), 2);
        assert_eq!(step(&doc, 0, false, false), 0);
        let persian = offset(&doc, "می");
        assert_eq!(step(&doc, persian, true, true), persian + 8, "ZWNJ stays inside the word");
        assert_eq!(step(&doc, doc.char_len(), true, true), doc.char_len());
    }

    #[test]
    fn occurrences_honour_case_and_whole_words() {
        let doc = doc();
        let any = occurrences(&doc, "Revolutionary Guards", MatchOptions::default());
        assert_eq!(any.len(), 3);
        for r in &any {
            assert_eq!(doc.slice(r.clone()).unwrap().to_lowercase(), "revolutionary guards");
        }
        let cased = occurrences(&doc, "Revolutionary Guards", MatchOptions { match_case: true, whole_word: false });
        assert_eq!(cased.len(), 2);
        let whole = occurrences(&doc, "Revolutionary Guards", MatchOptions { match_case: true, whole_word: true });
        assert_eq!(whole.len(), 1, "not inside Guardsmen");
        assert_eq!(whole[0].start, offset(&doc, "Revolutionary"));
        let chinese = occurrences(&doc, "卫队", MatchOptions { match_case: false, whole_word: false });
        assert_eq!(chinese, [offset(&doc, "卫队")..offset(&doc, "卫队") + 2]);
        assert_eq!(occurrences(&doc, "👩‍👩‍👧", MatchOptions::default()).len(), 1);
        assert!(occurrences(&doc, "  ", MatchOptions::default()).is_empty());
    }

    #[test]
    fn neighbours_wrap_around_and_skip_hidden_ones() {
        let doc = doc();
        let mut list = Vec::new();
        for (i, label) in ["claim", "actor", "quote"].into_iter().enumerate() {
            let mut a = annotation(&doc, label, &[i * 10..i * 10 + 3]);
            a.id = ItemId(i as u64 + 1);
            list.push(a);
        }
        let all = |_: &Annotation| true;
        assert_eq!(neighbour(&list, None, true, &all), Some(ItemId(1)));
        assert_eq!(neighbour(&list, None, false, &all), Some(ItemId(3)));
        assert_eq!(neighbour(&list, Some(ItemId(3)), true, &all), Some(ItemId(1)));
        assert_eq!(neighbour(&list, Some(ItemId(1)), false, &all), Some(ItemId(3)));
        let no_actor = |a: &Annotation| a.label != "actor";
        assert_eq!(neighbour(&list, Some(ItemId(1)), true, &no_actor), Some(ItemId(3)));
        assert_eq!(neighbour::<Annotation>(&[], None, true, &all), None);
    }
}
