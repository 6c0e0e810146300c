//! The rules of editing annotations, as pure functions the UI (and tests) call: what a selection
//! is, which word is at a position, how a drag snaps to words, how a selection becomes an
//! annotation (trimmed, with a fresh id), how a boundary moves. No egui, no I/O.

use std::ops::Range;

use super::project::{Annotation, Document, Fragment, IdGenerator, ItemId, Project, Timestamp};

/// A text selection in code points: where it started (`anchor`) and where it ends now (`head`,
/// the end that moves). The selected range is `min..max`; empty when both are equal (a caret).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub anchor: usize,
    pub head: usize,
}

impl Selection {
    pub fn new(anchor: usize, head: usize) -> Self {
        Self { anchor, head }
    }

    /// A caret (nothing selected) at `offset`.
    pub fn caret(offset: usize) -> Self {
        Self { anchor: offset, head: offset }
    }

    /// The selection covering `range`, anchored at its start.
    pub fn of_range(range: Range<usize>) -> Self {
        Self { anchor: range.start, head: range.end }
    }

    pub fn range(&self) -> Range<usize> {
        self.anchor.min(self.head)..self.anchor.max(self.head)
    }

    pub fn is_empty(&self) -> bool {
        self.anchor == self.head
    }

    /// The selected range, if anything is selected.
    pub fn non_empty(&self) -> Option<Range<usize>> {
        (!self.is_empty()).then(|| self.range())
    }

    /// Widened to whole words at both ends where an end falls inside a word; the direction
    /// (anchor first or last) is kept.
    pub fn snapped_to_words(self, document: &Document) -> Self {
        if self.is_empty() {
            return self;
        }
        let Range { mut start, mut end } = self.range();
        let inside_word = |offset: usize| {
            // Both the character before and the one at `offset` belong to the same word.
            offset > 0 && {
                let word = word_at(document, offset - 1);
                word.start < offset && offset < word.end
            }
        };
        if inside_word(start) {
            start = word_at(document, start - 1).start;
        }
        if inside_word(end) {
            end = word_at(document, end - 1).end;
        }
        if self.anchor <= self.head { Self::new(start, end) } else { Self::new(end, start) }
    }
}

/// The word around `offset`, by Unicode's word boundaries (UAX #29), so that it holds in every
/// script: marks (Arabic harakat, accents) and ZWNJ/ZWJ stay inside their word (Persian
/// می‌خواهم), apostrophes between letters too (`Iran’s`), a grapheme cluster is never split,
/// and words joined by a hyphen are one (`state-run`). In Chinese, Japanese (kanji and kana) and
/// Thai, which write no spaces between words, and Korean, words come from ICU4X's dictionaries
/// (see [`dictionary_word`]). Empty (`offset..offset`) when `offset` is not on a word (a letter,
/// digit, mark or `_`).
pub fn word_at(document: &Document, offset: usize) -> Range<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    const REACH: usize = 200;
    let index = document.index();
    let text = &document.text;
    let Some(at) = index.char_to_byte(text, offset) else { return offset..offset };
    if at == text.len() {
        return offset..offset;
    }
    let window_start_char = offset.saturating_sub(REACH);
    let window_end_char = (offset + REACH).min(document.char_len());
    let (Some(from), Some(to)) =
        (index.char_to_byte(text, window_start_char), index.char_to_byte(text, window_end_char))
    else {
        return offset..offset;
    };
    let window = &text[from..to];
    let is_word = |s: &str| s.chars().any(|c| c.is_alphanumeric() || c == '_');
    if let Some(word) = dictionary_word(window, at - from) {
        if !is_word(&window[word.clone()]) {
            return offset..offset;
        }
        let start = window_start_char + window[..word.start].chars().count();
        return start..start + window[word].chars().count();
    }
    let segments: Vec<(usize, &str)> = window.split_word_bound_indices().collect();
    let joins = |s: &str| matches!(s, "-" | "\u{2010}" | "\u{2011}" | "'" | "’" | "\u{200C}" | "\u{200D}");
    let Some(mut first) = segments.iter().position(|&(b, s)| from + b <= at && at < from + b + s.len()) else {
        return offset..offset;
    };
    if !is_word(segments[first].1) {
        return offset..offset;
    }
    let mut last = first;
    while first >= 2 && joins(segments[first - 1].1) && is_word(segments[first - 2].1) {
        first -= 2;
    }
    while last + 2 < segments.len() && joins(segments[last + 1].1) && is_word(segments[last + 2].1) {
        last += 2;
    }
    let start_byte = segments[first].0;
    let end_byte = segments[last].0 + segments[last].1.len();
    let start = window_start_char + window[..start_byte].chars().count();
    start..start + window[start_byte..end_byte].chars().count()
}

/// Whether `c` belongs to a script whose words are found with a dictionary: Han, Hiragana,
/// Katakana (with the prolonged sound mark and the iteration mark), Hangul, Thai.
pub fn needs_dictionary(c: char) -> bool {
    matches!(
        c as u32,
        0x0E00..=0x0E7F // Thai
            | 0x1100..=0x11FF // Hangul Jamo
            | 0x3005 // 々
            | 0x3040..=0x30FF // Hiragana, Katakana
            | 0x3130..=0x318F // Hangul compatibility Jamo
            | 0x31F0..=0x31FF // Katakana phonetic extensions
            | 0x3400..=0x4DBF // CJK extension A
            | 0x4E00..=0x9FFF // CJK unified ideographs
            | 0xAC00..=0xD7AF // Hangul syllables
            | 0xF900..=0xFAFF // CJK compatibility ideographs
            | 0xFF66..=0xFF9F // Halfwidth Katakana
            | 0x20000..=0x3FFFF // CJK extensions B-H
    )
}

/// ICU4X's word segmenter with its compiled-in dictionaries (Chinese/Japanese, Thai and the other
/// South-East Asian scripts), made the first time a word in those scripts is asked for.
static DICTIONARY_SEGMENTER: std::sync::LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> =
    std::sync::LazyLock::new(|| icu_segmenter::WordSegmenter::new_dictionary(Default::default()));

/// The word (bytes of `text`) around byte `at` when the character there is one of
/// [`needs_dictionary`]: the run of such characters around it is cut into words by ICU4X's
/// dictionary segmenter ("我们在北京大学学习" → 我们 / 在 / 北京 / 大学 / 学习). `None` for any
/// other character (Unicode's word boundaries apply there).
pub fn dictionary_word(text: &str, at: usize) -> Option<Range<usize>> {
    let c = text.get(at..)?.chars().next()?;
    if !needs_dictionary(c) {
        return None;
    }
    let start = text[..at].char_indices().rev().take_while(|&(_, c)| needs_dictionary(c)).last().map_or(at, |(i, _)| i);
    let end = text[at..].char_indices().find(|&(_, c)| !needs_dictionary(c)).map_or(text.len(), |(i, _)| at + i);
    let run = &text[start..end];
    let breaks: Vec<usize> = DICTIONARY_SEGMENTER.segment_str(run).collect();
    breaks.windows(2).find(|w| start + w[0] <= at && at < start + w[1]).map(|w| start + w[0]..start + w[1])
}

/// Why a selection cannot be tagged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TagRefusal {
    #[error("Select some text first")]
    NothingSelected,
    #[error("The selection is only white space")]
    OnlyWhiteSpace,
    #[error("The selection is outside the text")]
    OutOfRange,
}

/// The part of `range` that is not white space at either end.
pub fn trimmed(document: &Document, range: Range<usize>) -> Result<Range<usize>, TagRefusal> {
    if range.is_empty() {
        return Err(TagRefusal::NothingSelected);
    }
    let text = document.slice(range.clone()).ok_or(TagRefusal::OutOfRange)?;
    let leading = text.chars().take_while(|c| c.is_whitespace()).count();
    if leading == range.len() {
        return Err(TagRefusal::OnlyWhiteSpace);
    }
    let trailing = text.chars().rev().take_while(|c| c.is_whitespace()).count();
    Ok(range.start + leading..range.end - trailing)
}

/// An id no annotation, relation or memo of `project` uses yet.
pub fn fresh_id(project: &Project, ids: &mut IdGenerator) -> ItemId {
    loop {
        let id = ids.next_id();
        if !project.id_in_use(id) {
            return id;
        }
    }
}

/// The annotation a user makes by tagging `range` of `document` with `label`: trimmed of white
/// space at both ends, with a fresh id, made by `annotator` at `time`.
pub fn annotation_from_selection(
    project: &Project,
    document: &Document,
    range: Range<usize>,
    label: &str,
    annotator: &str,
    ids: &mut IdGenerator,
    time: Timestamp,
) -> Result<Annotation, TagRefusal> {
    let range = trimmed(document, range)?;
    let fragment = document.fragment(range).ok_or(TagRefusal::OutOfRange)?;
    Ok(Annotation::new(fresh_id(project, ids), label, vec![fragment], annotator, time))
}

/// Which end of an annotation moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    Start,
    End,
}

/// `annotation` with its start or end moved by `delta` code points: only the outer boundary of
/// the first (start) or last (end) fragment moves. `None` when that would make a fragment empty
/// or reversed, or leave the text.
pub fn nudged(annotation: &Annotation, document: &Document, boundary: Boundary, delta: isize) -> Option<Annotation> {
    let index = match boundary {
        Boundary::Start => 0,
        Boundary::End => annotation.fragments.len().checked_sub(1)?,
    };
    let fragment = annotation.fragments.get(index)?;
    let range = match boundary {
        Boundary::Start => fragment.start.checked_add_signed(delta)?..fragment.end,
        Boundary::End => fragment.start..fragment.end.checked_add_signed(delta)?,
    };
    if range.start >= range.end || range.end > document.char_len() {
        return None;
    }
    let mut changed = annotation.clone();
    changed.fragments[index] = document.fragment(range)?;
    Some(changed)
}

/// `annotation` covering exactly `range` (one fragment), or `None` if `range` is empty or outside
/// the text.
pub fn with_span(annotation: &Annotation, document: &Document, range: Range<usize>) -> Option<Annotation> {
    if range.is_empty() {
        return None;
    }
    let fragment: Fragment = document.fragment(range)?;
    let mut changed = annotation.clone();
    changed.fragments = vec![fragment];
    Some(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn doc(text: &str) -> Document {
        Document::new("d1", "t", text.to_owned())
    }

    #[test]
    fn words() {
        let doc = doc("Iran’s state-run media, über 15 areas");
        let word = |o| {
            let r = word_at(&doc, o);
            doc.slice(r).unwrap().to_owned()
        };
        assert_eq!(word(0), "Iran’s");
        assert_eq!(word(5), "Iran’s");
        assert_eq!(word(9), "state-run");
        assert_eq!(word(20), "media");
        assert_eq!(word(25), "über");
        assert_eq!(word(22), "");
    }

    #[test]
    fn words_in_every_script() {
        let text = "ü می\u{200C}خواهم کِتابِ 😀 👨\u{200D}👩\u{200D}👧 שָׁלוֹם 中文 abc\r\nدوم";
        let doc = doc(text);
        let chars: Vec<char> = text.chars().collect();
        let word = |o: usize| {
            let r = word_at(&doc, o);
            chars[r].iter().collect::<String>()
        };
        assert_eq!(word(0), "ü");
        // Persian with ZWNJ: one word from any of its letters, also from the ZWNJ itself.
        for o in 2..10 {
            assert_eq!(word(o), "می\u{200C}خواهم", "at {o}");
        }
        // Arabic harakat (kasra) stay inside the word, from a letter or from a mark.
        assert_eq!(word(11), "کِتابِ");
        assert_eq!(word(12), "کِتابِ");
        assert_eq!(word(16), "کِتابِ");
        // Emoji are not words; a double-click there selects nothing rather than half a cluster.
        assert_eq!(word(18), "");
        assert_eq!(word(20), "");
        // Hebrew with points.
        let hebrew = chars.iter().position(|&c| c == 'ש').unwrap();
        assert_eq!(word(hebrew + 2), "שָׁלוֹם");
        // Chinese: a word from the dictionary, from either of its characters.
        let zh = chars.iter().position(|&c| c == '中').unwrap();
        assert_eq!(word(zh), "中文");
        assert_eq!(word(zh + 1), "中文");
        // CRLF ends a word; the next line's word starts after it.
        let crlf = chars.iter().position(|&c| c == '\r').unwrap();
        assert_eq!(word(crlf - 1), "abc");
        assert_eq!(word(crlf), "");
        assert_eq!(word(crlf + 2), "دوم");
        assert_eq!(word(chars.len()), "");
    }

    #[test]
    fn selections_snap_to_words_and_keep_their_direction() {
        let doc = doc("The Supreme National Security Council met.");
        let snapped = |a, b| {
            let selection = Selection::new(a, b).snapped_to_words(&doc);
            doc.slice(selection.range()).unwrap().to_owned()
        };
        assert_eq!(snapped(6, 14), "Supreme National");
        assert_eq!(snapped(14, 6), "Supreme National", "backwards drag");
        assert_eq!(Selection::new(14, 6).snapped_to_words(&doc), Selection::new(20, 4), "anchor stays last");
        assert_eq!(snapped(4, 11), "Supreme");
        assert_eq!(snapped(3, 12), " Supreme ");
        assert_eq!(snapped(32, 40), "Council met");
        assert_eq!(Selection::caret(7).snapped_to_words(&doc), Selection::caret(7));
    }

    #[test]
    fn a_selection_becomes_a_trimmed_annotation_with_a_fresh_id() {
        let mut project = Project::new("p");
        project.documents.push(doc("  Grüße 🎉 from Tehran  \n"));
        let document = &project.documents[0];
        let mut ids = IdGenerator::seeded(3);
        let time = crate::model::now();
        let made = annotation_from_selection(&project, document, 0..23, "quote", "ana", &mut ids, time).unwrap();
        assert_eq!(made.text(), "Grüße 🎉 from Tehran");
        assert_eq!((made.start(), made.end()), (2, 21));
        assert_eq!((made.label.as_str(), made.annotator.as_str()), ("quote", "ana"));
        assert_eq!(made.created, time);
        assert!(!project.id_in_use(made.id));
        assert_eq!(
            annotation_from_selection(&project, document, 0..2, "quote", "ana", &mut ids, time),
            Err(TagRefusal::OnlyWhiteSpace)
        );
        assert_eq!(
            annotation_from_selection(&project, document, 3..3, "quote", "ana", &mut ids, time),
            Err(TagRefusal::NothingSelected)
        );
        assert_eq!(
            annotation_from_selection(&project, document, 10..99, "quote", "ana", &mut ids, time),
            Err(TagRefusal::OutOfRange)
        );
    }

    #[test]
    fn ids_in_use_are_skipped() {
        let mut project = Project::new("p");
        project.documents.push(doc("some text"));
        let mut probe = IdGenerator::seeded(9);
        let taken = probe.next_id();
        let fragment = project.documents[0].fragment(0..4).unwrap();
        project.documents[0].annotations.push(Box::new(Annotation::new(
            taken,
            "claim",
            vec![fragment],
            "ana",
            crate::model::now(),
        )));
        let id = fresh_id(&project, &mut IdGenerator::seeded(9));
        assert_ne!(id, taken);
    }

    #[test]
    fn boundaries_move_one_end_and_never_past_the_other_or_the_text() {
        let document = doc("Müller said 🎉 hello");
        let base =
            Annotation::new(ItemId(1), "quote", vec![document.fragment(7..13).unwrap()], "ana", crate::model::now());
        let start_left = nudged(&base, &document, Boundary::Start, -1).unwrap();
        assert_eq!(start_left.text(), " said 🎉");
        let end_right = nudged(&base, &document, Boundary::End, 1).unwrap();
        assert_eq!(end_right.text(), "said 🎉 ");
        assert_eq!(nudged(&base, &document, Boundary::Start, 6), None, "start may not reach the end");
        assert_eq!(nudged(&base, &document, Boundary::End, 99), None, "end may not leave the text");
        let at_zero =
            Annotation::new(ItemId(2), "actor", vec![document.fragment(0..6).unwrap()], "ana", crate::model::now());
        assert_eq!(nudged(&at_zero, &document, Boundary::Start, -1), None);
        // Two fragments: only the outer boundaries move.
        let mut split = base.clone();
        split.fragments = vec![document.fragment(0..6).unwrap(), document.fragment(14..19).unwrap()];
        let moved = nudged(&split, &document, Boundary::End, -1).unwrap();
        assert_eq!(moved.fragments[0], split.fragments[0]);
        assert_eq!(moved.fragments[1].text, "hell");
        assert_eq!(with_span(&split, &document, 0..6).unwrap().text(), "Müller");
        assert_eq!(with_span(&split, &document, 3..3), None);
    }

    /// Every word of `sentence` as `word_at` gives it from each of its characters, in order.
    fn words_of(document: &Document) -> Vec<String> {
        let chars: Vec<char> = document.text.chars().collect();
        let mut words: Vec<String> = Vec::new();
        let mut last = None;
        for offset in 0..chars.len() {
            let range = word_at(document, offset);
            if !range.is_empty() && last != Some(range.clone()) {
                words.push(chars[range.clone()].iter().collect());
                last = Some(range);
            }
        }
        words
    }

    #[test]
    fn chinese_japanese_and_thai_words_come_from_the_dictionary() {
        // What ICU4X's dictionary segmenter gives (2.4), asserted as it is.
        assert_eq!(words_of(&doc("我们在北京大学学习。")), ["我们", "在", "北京", "大学", "学习"]);
        assert_eq!(
            words_of(&doc("私は東京大学で日本語を勉強しています")),
            ["私", "は", "東京", "大学", "で", "日本語", "を", "勉強", "し", "てい", "ます"]
        );
        assert_eq!(words_of(&doc("ฉันกินข้าวที่ร้านอาหาร")), ["ฉัน", "กิน", "ข้าว", "ที่", "ร้าน", "อาหาร"]);
        // Inside a mixed line with the other offset cases: offsets stay code points, the words
        // around (ü, Persian with ZWNJ, CRLF) keep Unicode's boundaries, emoji are no words.
        let text = "ü 😀 👨\u{200D}👩\u{200D}👧 می\u{200C}خواهم 北京大学很大\r\nภาษาไทย abc";
        let document = doc(text);
        let chars: Vec<char> = text.chars().collect();
        let word = |o: usize| chars[word_at(&document, o)].iter().collect::<String>();
        let bei = chars.iter().position(|&c| c == '北').unwrap();
        assert_eq!(word(bei + 1), "北京");
        assert_eq!(word(bei + 2), "大学");
        assert_eq!(word_at(&document, bei + 3), bei + 2..bei + 4);
        assert_eq!(word(bei - 3), "می\u{200C}خواهم");
        assert_eq!(word(0), "ü");
        assert_eq!(word(2), "");
        let thai = chars.iter().position(|&c| c == 'ภ').unwrap();
        assert_eq!(word(thai), "ภาษา");
        assert_eq!(word(thai + 5), "ไทย");
        assert_eq!(word(thai - 1), "", "the LF of the CRLF");
        // A double-click snaps a drag in Chinese to whole words too.
        let snapped = Selection::new(bei + 1, bei + 3).snapped_to_words(&document);
        assert_eq!(snapped.range(), bei..bei + 4);
    }
}
