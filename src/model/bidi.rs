//! Bidirectional text (UAX #9) for the document view, without any UI: which way a paragraph
//! runs, how it is cut into pieces that are shaped on their own ("items"), how items are wrapped
//! into lines and put in visual order, and from a point on a line back to the text (and from
//! the text to the places on screen).
//!
//! The view measures each item with its fonts and hands the widths of its characters to
//! [`ParagraphLayout::new`]; everything else here is plain arithmetic, so it is tested with
//! made-up widths. Offsets are code points local to the paragraph.
//!
//! - Levels come from `unicode-bidi` (the whole algorithm up to L1); lines are reordered with
//!   its rule L2 at item granularity. An item never crosses a change of level.
//! - In a right-to-left run every word of Arabic or Hebrew letters is one item (so it is shaped
//!   in one piece and its letters join) and every other grapheme (a space, a comma) is an item of
//!   its own, so the run can be laid out word by word from right to left.
//! - In a left-to-right run, text without right-to-left letters is cut only after white space
//!   (one item per word with its spaces); Arabic-script graphemes there (Arabic-Indic digits,
//!   which read left to right) are items of their own.
//! - Lines break after white space or beside a CJK character; a word longer than the line
//!   overflows it.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use unicode_bidi::{Level, ParagraphBidiInfo};
use unicode_segmentation::UnicodeSegmentation;

/// The direction a document's paragraphs run in: from each paragraph's first strong character
/// (`Auto`, UAX #9 rules P2-P3), or forced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextDirection {
    #[default]
    Auto,
    Ltr,
    Rtl,
}

impl TextDirection {
    pub fn is_auto(&self) -> bool {
        *self == Self::Auto
    }

    /// Words for menus and messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Auto => "automatic (from each paragraph's first letter)",
            Self::Ltr => "left to right",
            Self::Rtl => "right to left",
        }
    }
}

/// The direction of one paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Ltr,
    Rtl,
}

/// Whether `c` is a right-to-left character (Hebrew, Arabic, Syriac, Thaana, N'Ko and the other
/// right-to-left blocks, their presentation forms, and the explicit right-to-left marks). A
/// cheap range test; the real classes come from `unicode-bidi` once a paragraph has one.
pub fn is_rtl_char(c: char) -> bool {
    matches!(
        c as u32,
        0x0590..=0x08FF
            | 0xFB1D..=0xFDFF
            | 0xFE70..=0xFEFE
            | 0x10800..=0x10FFF
            | 0x1E800..=0x1EFFF
            | 0x200F
            | 0x202B
            | 0x202E
            | 0x2067
    )
}

/// Whether `text` has any right-to-left character: text without one is laid out as it is.
pub fn has_rtl(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(is_rtl_char)
}

/// The direction of a paragraph under a document's setting: `Auto` takes it from the first
/// strong character, left to right when there is none.
pub fn paragraph_direction(setting: TextDirection, paragraph: &str) -> Direction {
    match setting {
        TextDirection::Ltr => Direction::Ltr,
        TextDirection::Rtl => Direction::Rtl,
        TextDirection::Auto => match unicode_bidi::get_base_direction(paragraph) {
            unicode_bidi::Direction::Rtl => Direction::Rtl,
            _ => Direction::Ltr,
        },
    }
}

/// Which letters a grapheme belongs to, for cutting items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Arabic,
    Hebrew,
    Other,
}

fn class_of(c: char) -> Class {
    match c as u32 {
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => Class::Hebrew,
        0x0600..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFE => Class::Arabic,
        _ => Class::Other,
    }
}

/// Whether `c` is a CJK character (a line may break before or after it).
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// A piece of a paragraph shaped on its own: one level, and either a word of right-to-left
/// letters, one grapheme, or left-to-right text up to and including white space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Code points, local to the paragraph.
    pub chars: Range<usize>,
    /// Bytes, local to the paragraph.
    pub bytes: Range<usize>,
    /// The bidi embedding level (odd: right to left).
    pub level: u8,
    /// Exactly one grapheme cluster (never split inside).
    pub single_grapheme: bool,
    /// The item is white space only (it may hang past the end of a line).
    pub space: bool,
    /// The item ends with white space (a line may break after it).
    pub ends_with_space: bool,
    pub cjk: bool,
}

impl Item {
    pub fn is_rtl(&self) -> bool {
        self.level % 2 == 1
    }

    /// Whether the item is shaped right to left by a shaper that guesses the direction from
    /// the script (Arabic and Hebrew letters): then its glyphs come out in visual order.
    pub fn shaped_rtl(&self, text: &str) -> bool {
        text[self.bytes.clone()].chars().next().is_some_and(|c| class_of(c) != Class::Other)
    }
}

/// Cuts a paragraph into items (see the module's notes), in logical order.
pub fn items(text: &str, base: Direction) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    if text.is_empty() {
        return out;
    }
    let level = match base {
        Direction::Ltr => Level::ltr(),
        Direction::Rtl => Level::rtl(),
    };
    let info = ParagraphBidiInfo::new(text, Some(level));
    let mut char_pos = 0;
    for (byte, grapheme) in text.grapheme_indices(true) {
        let first = grapheme.chars().next().unwrap_or(' ');
        let count = grapheme.chars().count();
        let level = info.levels.get(byte).map_or(0, |l| l.number());
        let class = class_of(first);
        let space = grapheme.chars().all(char::is_whitespace);
        let cjk = is_cjk(first);
        let joins = out.last().is_some_and(|last: &Item| {
            let last_first = text[last.bytes.clone()].chars().next().unwrap_or(' ');
            let last_class = class_of(last_first);
            last.level == level
                && !cjk
                && !last.cjk
                && if level % 2 == 1 {
                    // Right to left: a word of letters of one script grows; anything else stands alone.
                    class != Class::Other && class == last_class
                } else {
                    class == Class::Other && last_class == Class::Other && !last.ends_with_space
                        || space && class == Class::Other && last_class == Class::Other && last.space
                }
        });
        if joins && let Some(last) = out.last_mut() {
            last.chars.end += count;
            last.bytes.end = byte + grapheme.len();
            last.single_grapheme = false;
            last.space &= space;
            last.ends_with_space = space;
        } else {
            out.push(Item {
                chars: char_pos..char_pos + count,
                bytes: byte..byte + grapheme.len(),
                level,
                single_grapheme: true,
                space,
                ends_with_space: space,
                cjk,
            });
        }
        char_pos += count;
    }
    out
}

/// The mirrored form of a bracket drawn in a right-to-left run (UAX #9 rule L4), for the few
/// paired characters prose uses.
pub fn mirrored(c: char) -> Option<char> {
    Some(match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        _ => return None,
    })
}

/// The widths of the characters of a right-to-left item, in logical order, from the glyphs a
/// shaper produced for it in visual order (left to right), each glyph with the character that
/// starts its cluster and its advance. A ligature (lam-alef) is shared by the characters it
/// stands for; a mark (kasra) drawn as its own glyph joins its letter's cluster. Glyphs left
/// over once every character has its place are ignored (egui adds zero-width ones). When the
/// glyphs cannot be matched to the characters, the total width is shared evenly.
pub fn rtl_advances(chars: &[char], glyphs: &[(char, f32)]) -> Vec<f32> {
    let n = chars.len();
    let mut advances = vec![0.0; n];
    let mut remaining = n;
    let mut g = 0;
    while g < glyphs.len() && remaining > 0 {
        let (c, mut width) = glyphs[g];
        let mut wide = width > 0.0;
        g += 1;
        // Glyphs of one cluster: the same first character, at most one of them with an advance.
        while g < glyphs.len() && glyphs[g].0 == c && !(wide && glyphs[g].1 > 0.0) {
            wide |= glyphs[g].1 > 0.0;
            width += glyphs[g].1;
            g += 1;
        }
        let Some(start) = (0..remaining).rev().find(|&j| chars[j] == c) else {
            return even(n, glyphs.iter().map(|g| g.1).sum());
        };
        let share = width / (remaining - start) as f32;
        advances[start..remaining].iter_mut().for_each(|a| *a = share);
        remaining = start;
    }
    if remaining > 0 {
        return even(n, glyphs.iter().map(|g| g.1).sum());
    }
    advances
}

fn even(n: usize, total: f32) -> Vec<f32> {
    vec![if n == 0 { 0.0 } else { total / n as f32 }; n]
}

/// An item placed on a line.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedItem {
    pub item: usize,
    /// Left edge, from the paragraph's left edge.
    pub x: f32,
    pub width: f32,
}

/// One line of a paragraph: its items in visual order, left to right.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Code points of the line, in logical order.
    pub chars: Range<usize>,
    pub placed: Vec<PlacedItem>,
}

impl Line {
    pub fn left(&self) -> f32 {
        self.placed.first().map_or(0.0, |p| p.x)
    }

    pub fn right(&self) -> f32 {
        self.placed.last().map_or(0.0, |p| p.x + p.width)
    }
}

/// A paragraph wrapped into lines and put in visual order.
#[derive(Clone, Debug)]
pub struct ParagraphLayout {
    pub direction: Direction,
    pub items: Vec<Item>,
    /// Per item, the width of each of its characters (logical order).
    pub advances: Vec<Vec<f32>>,
    pub lines: Vec<Line>,
    /// Code points in the paragraph.
    pub char_count: usize,
}

/// A stretch of one line covering part of a range: `x0 < x1` (or equal for zero-width text).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stretch {
    pub line: usize,
    pub x0: f32,
    pub x1: f32,
}

impl ParagraphLayout {
    /// Wraps `items` (with the widths of their characters) at `max_width`, orders every line
    /// visually and aligns right-to-left paragraphs to the right edge.
    pub fn new(direction: Direction, items: Vec<Item>, advances: Vec<Vec<f32>>, max_width: f32) -> Self {
        let widths: Vec<f32> = advances.iter().map(|a| a.iter().sum()).collect();
        let char_count = items.last().map_or(0, |i| i.chars.end);
        let mut lines = Vec::new();
        for range in break_lines(&items, &widths, max_width) {
            let chars = match (items.get(range.start), range.end.checked_sub(1).and_then(|e| items.get(e))) {
                (Some(a), Some(b)) if !range.is_empty() => a.chars.start..b.chars.end,
                _ => char_count..char_count,
            };
            let order = visual_order(&items, range.clone(), direction);
            let line_width: f32 = order.iter().map(|&i| widths[i]).sum();
            let mut x = match direction {
                Direction::Ltr => 0.0,
                Direction::Rtl => (max_width - line_width).max(0.0),
            };
            let placed = order
                .into_iter()
                .map(|item| {
                    let placed = PlacedItem { item, x, width: widths[item] };
                    x += widths[item];
                    placed
                })
                .collect();
            lines.push(Line { chars, placed });
        }
        if lines.is_empty() {
            lines.push(Line { chars: 0..0, placed: Vec::new() });
        }
        Self { direction, items, advances, lines, char_count }
    }

    /// The line holding code point `offset` (the last line for the end of the paragraph).
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.partition_point(|l| l.chars.end <= offset).min(self.lines.len() - 1)
    }

    /// The x range of local chars `range` inside placed item `p`.
    fn stretch_in(&self, p: &PlacedItem, range: Range<usize>) -> Option<(f32, f32)> {
        let item = &self.items[p.item];
        let a = range.start.max(item.chars.start);
        let b = range.end.min(item.chars.end);
        if a >= b {
            return None;
        }
        let adv = &self.advances[p.item];
        let before: f32 = adv[..a - item.chars.start].iter().sum();
        let upto: f32 = adv[..b - item.chars.start].iter().sum();
        Some(if item.is_rtl() { (p.x + p.width - upto, p.x + p.width - before) } else { (p.x + before, p.x + upto) })
    }

    /// Where `range` is drawn: one stretch per visually contiguous piece, line by line, left to
    /// right.
    pub fn stretches(&self, range: Range<usize>) -> Vec<Stretch> {
        let mut out: Vec<Stretch> = Vec::new();
        if range.is_empty() {
            return out;
        }
        let first = self.line_of(range.start);
        for (index, line) in self.lines.iter().enumerate().skip(first) {
            if line.chars.start >= range.end {
                break;
            }
            for p in &line.placed {
                if let Some((x0, x1)) = self.stretch_in(p, range.clone()) {
                    match out.last_mut() {
                        Some(last) if last.line == index && (last.x1 - x0).abs() < 0.5 => last.x1 = x1,
                        _ => out.push(Stretch { line: index, x0, x1 }),
                    }
                }
            }
        }
        out
    }

    /// The caret position (a code point boundary) nearest to `x` on `line`: the boundary on the
    /// side of the character under `x` that `x` is closer to, in that character's direction.
    pub fn cursor_at(&self, line: usize, x: f32) -> usize {
        let Some(line) = self.lines.get(line) else { return self.char_count };
        let Some(p) = line.placed.iter().find(|p| x < p.x + p.width).or(line.placed.last()) else {
            return line.chars.start;
        };
        let item = &self.items[p.item];
        let adv = &self.advances[p.item];
        // Distance from the item's logical start edge.
        let along = if item.is_rtl() { p.x + p.width - x } else { x - p.x };
        if along <= 0.0 {
            return item.chars.start;
        }
        if item.single_grapheme {
            return if along < p.width / 2.0 { item.chars.start } else { item.chars.end };
        }
        let mut edge = 0.0;
        for (k, &a) in adv.iter().enumerate() {
            if along < edge + a {
                return item.chars.start + k + usize::from(along >= edge + a / 2.0);
            }
            edge += a;
        }
        item.chars.end
    }

    /// The character under `x` on `line` (clamped to the line's ends), if the line has any.
    pub fn char_at(&self, line: usize, x: f32) -> Option<usize> {
        let line = self.lines.get(line)?;
        let p = line.placed.iter().find(|p| x < p.x + p.width).or(line.placed.last())?;
        let item = &self.items[p.item];
        let along = if item.is_rtl() { p.x + p.width - x } else { x - p.x };
        let mut edge = 0.0;
        for (k, &a) in self.advances[p.item].iter().enumerate() {
            if along < edge + a {
                return Some(item.chars.start + k);
            }
            edge += a;
        }
        Some(item.chars.end - 1)
    }
}

/// Greedy line breaking: item ranges per line. Breaks after white space or beside a CJK
/// character; white space may hang past the end; an item wider than a line gets a line of its own.
pub fn break_lines(items: &[Item], widths: &[f32], max_width: f32) -> Vec<Range<usize>> {
    let n = items.len();
    let can_break_after = |j: usize| j + 1 < n && (items[j].ends_with_space || items[j].cjk || items[j + 1].cjk);
    let mut lines = Vec::new();
    let mut start = 0;
    let mut x = 0.0;
    let mut last_break: Option<usize> = None;
    let mut i = 0;
    while i < n {
        let w = widths[i];
        if !items[i].space && i > start && x + w > max_width {
            let end = last_break.map_or(i, |b| b + 1);
            lines.push(start..end);
            start = end;
            x = widths[start..i].iter().sum();
            last_break = (start..i).rev().find(|&j| can_break_after(j));
            continue;
        }
        x += w;
        if can_break_after(i) {
            last_break = Some(i);
        }
        i += 1;
    }
    if start < n || lines.is_empty() {
        lines.push(start..n);
    }
    lines
}

/// The items of one line (`range`, logical) in visual order, left to right: white space at the
/// end of the line takes the paragraph's level (rule L1), then rule L2 reverses runs.
pub fn visual_order(items: &[Item], range: Range<usize>, direction: Direction) -> Vec<usize> {
    let base = match direction {
        Direction::Ltr => 0,
        Direction::Rtl => 1,
    };
    let mut levels: Vec<u8> = items[range.clone()].iter().map(|i| i.level).collect();
    for (level, item) in levels.iter_mut().zip(&items[range.clone()]).rev() {
        if !item.space {
            break;
        }
        *level = base;
    }
    if levels.iter().all(|&l| l == 0) {
        return range.collect();
    }
    let levels: Vec<Level> = levels.into_iter().map(|l| Level::new(l).unwrap_or_else(|_| Level::ltr())).collect();
    ParagraphBidiInfo::reorder_visual(&levels).into_iter().map(|i| range.start + i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character 10 wide, a right-to-left word's glyphs as the shaper gives them.
    fn layout(text: &str, direction: Direction, max_width: f32) -> ParagraphLayout {
        let items = items(text, direction);
        let advances = items.iter().map(|i| vec![10.0; i.chars.len()]).collect();
        ParagraphLayout::new(direction, items, advances, max_width)
    }

    /// The text of `layout` as drawn, left to right, each item's characters in the order their
    /// glyphs appear (reversed inside right-to-left items), lines joined by '|'.
    fn visual(text: &str, layout: &ParagraphLayout) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        for line in &layout.lines {
            let mut s = String::new();
            for p in &line.placed {
                let item = &layout.items[p.item];
                let piece: Vec<char> = chars[item.chars.clone()].to_vec();
                if item.is_rtl() {
                    s.extend(piece.iter().rev());
                } else {
                    s.extend(piece.iter());
                }
            }
            out.push(s);
        }
        out.join("|")
    }

    #[test]
    fn base_direction_from_the_first_strong_character_or_the_setting() {
        assert_eq!(paragraph_direction(TextDirection::Auto, "«سلام» said Ali"), Direction::Rtl);
        assert_eq!(paragraph_direction(TextDirection::Auto, "123 Ali گفت"), Direction::Ltr);
        assert_eq!(paragraph_direction(TextDirection::Auto, "שלום"), Direction::Rtl);
        assert_eq!(paragraph_direction(TextDirection::Auto, "123 …"), Direction::Ltr);
        assert_eq!(paragraph_direction(TextDirection::Rtl, "Hello"), Direction::Rtl);
        assert_eq!(paragraph_direction(TextDirection::Ltr, "سلام"), Direction::Ltr);
        assert!(has_rtl("ü 😀 می‌خواهم"));
        assert!(!has_rtl("ü 😀 👨‍👩‍👧 中文 text\r\n"));
    }

    #[test]
    fn persian_with_zwnj_reads_right_to_left_word_by_word() {
        // "I want to go": three words, the first with a ZWNJ inside.
        let text = "می\u{200C}خواهم بروم";
        let l = layout(text, Direction::Rtl, 1000.0);
        assert_eq!(l.lines.len(), 1);
        // The first word is one item (ZWNJ inside), drawn rightmost.
        assert_eq!(visual(text, &l), "مورب مهاوخ\u{200C}یم");
        let line = &l.lines[0];
        assert_eq!(l.items[line.placed.last().unwrap().item].chars, 0..8);
        // Right-aligned: ends at the right edge.
        assert_eq!(line.right(), 1000.0);
        // The rightmost character on screen is the first one.
        assert_eq!(l.char_at(0, 999.0), Some(0));
        assert_eq!(l.char_at(0, line.left() + 1.0), Some(12));
        // Clicking the right half of the first letter puts the caret before it, the left half after.
        assert_eq!(l.cursor_at(0, 998.0), 0);
        assert_eq!(l.cursor_at(0, 992.0), 1);
        // The ZWNJ (char 2) is drawn between the letters beside it.
        let zwnj = l.stretches(2..3);
        assert_eq!(zwnj, vec![Stretch { line: 0, x0: 970.0, x1: 980.0 }]);
    }

    #[test]
    fn latin_name_and_digits_inside_persian_sit_where_a_browser_puts_them() {
        // "Ali Rezaei said in 2023 that" in Persian, with the name in Latin letters.
        let text = "علی Ali Rezaei در ۲۰۲۳ گفت";
        let l = layout(text, Direction::Rtl, 10_000.0);
        // Read left to right on screen: the Persian verb leftmost, the name as one left-to-right
        // piece, the digits left to right, the first Persian word rightmost.
        assert_eq!(visual(text, &l), "تفگ ۲۰۲۳ رد Ali Rezaei یلع");
        // The name is selected as the logical range it has in the text.
        let name = 4..14;
        let stretches = l.stretches(name.clone());
        assert_eq!(stretches.len(), 1, "{stretches:?}");
        let s = stretches[0];
        assert_eq!(s.x1 - s.x0, 100.0);
        // Clicking inside "Ali" gives a caret inside "Ali".
        let caret = l.cursor_at(0, s.x0 + 15.0);
        assert_eq!(caret, 6);
    }

    #[test]
    fn arabic_with_digits_and_harakat() {
        // "In the year 1445 (AH)", with harakat on the first word and Western digits.
        let text = "فِي عَام 1445 هـ";
        let l = layout(text, Direction::Rtl, 10_000.0);
        assert_eq!(visual(text, &l), "ـه 1445 ماَع يِف");
        // Harakat stay in their word's item.
        assert_eq!(text[l.items[0].bytes.clone()].to_owned(), "فِي");
        // A selection from the first space to the first digit is two stretches on screen: the
        // digit at the left end of "1445", and the second word with its spaces.
        let stretches = l.stretches(3..10);
        assert_eq!(
            stretches,
            vec![Stretch { line: 0, x0: 9870.0, x1: 9880.0 }, Stretch { line: 0, x0: 9910.0, x1: 9970.0 }]
        );
    }

    #[test]
    fn hebrew_and_emoji() {
        let text = "שלום 😀 עולם";
        let l = layout(text, Direction::Rtl, 10_000.0);
        assert_eq!(visual(text, &l), "םלוע 😀 םולש");
        // The emoji is one item; clicking anywhere on it gives a boundary around it, never inside.
        let emoji = l.items.iter().position(|i| i.chars == (5..6)).unwrap();
        assert!(l.items[emoji].single_grapheme);
        let zwj = "👨\u{200D}👩\u{200D}👧";
        let text = format!("שלום {zwj} עולם");
        let l = layout(&text, Direction::Rtl, 10_000.0);
        let family = l.items.iter().find(|i| i.chars.start == 5).unwrap();
        assert_eq!(family.chars, 5..10);
        let s = l.stretches(5..10)[0];
        for x in [s.x0 + 1.0, s.x0 + 20.0, s.x1 - 1.0] {
            let caret = l.cursor_at(0, x);
            assert!(caret == 5 || caret == 10, "{caret}");
        }
    }

    #[test]
    fn ltr_paragraph_with_one_rtl_word_and_chinese() {
        let text = "The word سلام means peace, ü 中文";
        let l = layout(text, Direction::Ltr, 10_000.0);
        assert_eq!(visual(text, &l), "The word مالس means peace, ü 中文");
        let item = l.items.iter().find(|i| i.is_rtl()).unwrap();
        assert_eq!(item.chars, 9..13);
        // The Persian word's first letter is drawn at its right end.
        let s = l.stretches(9..10)[0];
        assert_eq!((s.x0, s.x1), (120.0, 130.0));
        assert_eq!(l.char_at(0, 125.0), Some(9));
        assert_eq!(l.char_at(0, 95.0), Some(12));
    }

    #[test]
    fn wrapping_on_logical_text_then_reordering_each_line() {
        let text = "یک دو سه چهار پنج";
        // 10 per char; "یک " = 30, "دو " = 30, "سه " = 30, "چهار " = 50, "پنج" = 30.
        let l = layout(text, Direction::Rtl, 95.0);
        assert_eq!(visual(text, &l), " هس ود کی|جنپ راهچ");
        assert_eq!(l.lines[0].chars, 0..9);
        assert_eq!(l.lines[1].chars, 9..17);
        // Right aligned, each line on its own; the trailing space hangs at the left.
        assert_eq!(l.lines[1].right(), 95.0);
        // A selection across the line break is two stretches, one per line, at the right edges.
        let s = l.stretches(3..12);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].line, 1);
        assert_eq!(s[1].x1, 95.0);
        assert_eq!(l.line_of(12), 1);
        assert_eq!(l.line_of(17), 1);
    }

    #[test]
    fn long_word_overflows_a_line_of_its_own_and_empty_text_has_one_line() {
        let text = "a verylongwordhere b";
        let l = layout(text, Direction::Ltr, 50.0);
        assert_eq!(visual(text, &l), "a |verylongwordhere |b");
        let l = layout("", Direction::Rtl, 50.0);
        assert_eq!(l.lines.len(), 1);
        assert_eq!(l.cursor_at(0, 10.0), 0);
        assert!(l.stretches(0..0).is_empty());
    }

    #[test]
    fn glyphs_in_visual_order_give_each_character_its_width() {
        // What egui produces for "بالا" (Vazirmatn): a lam-alef ligature, then alef, then beh,
        // then zero-width glyphs it adds.
        let chars: Vec<char> = "بالا".chars().collect();
        let glyphs = [('ل', 11.4), ('ا', 5.2), ('ب', 5.9), ('ا', 0.0), ('ل', 0.0), ('ا', 0.0)];
        let a = rtl_advances(&chars, &glyphs);
        assert_eq!(a, vec![5.9, 5.2, 5.7, 5.7]);
        // "کِتاب": the kasra is a zero-width glyph of the kaf's cluster, before the kaf's glyph.
        let chars: Vec<char> = "کِتاب".chars().collect();
        let glyphs = [('ب', 17.5), ('ا', 5.2), ('ت', 7.7), ('ک', 0.0), ('ک', 8.9), ('ت', 0.0)];
        let a = rtl_advances(&chars, &glyphs);
        assert_eq!(a, vec![4.45, 4.45, 7.7, 5.2, 17.5]);
        // Persian with ZWNJ.
        let chars: Vec<char> = "می\u{200C}خ".chars().collect();
        let glyphs = [('خ', 13.4), ('\u{200C}', 0.0), ('ی', 13.0), ('م', 11.1), ('ی', 0.0)];
        assert_eq!(rtl_advances(&chars, &glyphs), vec![11.1, 13.0, 0.0, 13.4]);
        // Two letters alike are two clusters.
        let chars: Vec<char> = "لل".chars().collect();
        assert_eq!(rtl_advances(&chars, &[('ل', 3.0), ('ل', 4.0)]), vec![4.0, 3.0]);
        // Glyphs that cannot be matched: shared evenly.
        assert_eq!(rtl_advances(&chars, &[('x', 3.0), ('y', 5.0)]), vec![4.0, 4.0]);
    }
}
