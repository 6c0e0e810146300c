//! Clean-up of a text copied or saved from a web page with its clutter: what to remove before
//! annotation starts (the text is fixed afterwards), as proposals the user reviews.
//!
//! Proposals are whole lines, each with a reason: page navigation before the headline ("Close
//! button", "Switch to … Light?"), reading times ("5 min read"), date and author lines next to
//! the headline (which become the document's date and author), a line repeated right after
//! itself (headline and teaser lines printed twice), short lines that recur in the text
//! ("Advertisement"), lines without words ("***"), and a trailing block after the article
//! ("comments", a teaser for another article). The body's start and end are proposals too, so the
//! user can move them. [`CleanupPlan::apply`] removes the accepted ones.
//!
//! All ranges are code point ranges into the text given (converted with `model::TextIndex`).

use std::collections::HashMap;
use std::ops::Range;

use crate::model::TextIndex;

use super::dates;

/// Why a line is proposed for removal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalKind {
    /// Everything before the article's first line (navigation, banners, section labels).
    BeforeBody,
    /// Everything after the article's last line (comments, teasers for other articles).
    AfterBody,
    /// A line that repeats the line before it.
    Duplicate,
    /// A short line that recurs in the text ("Advertisement", "Share").
    Repeated,
    /// A reading time ("5 min read").
    ReadingTime,
    /// A date line next to the headline; it becomes the document's date.
    Date,
    /// An author line next to the headline; it becomes the document's author.
    Author,
    /// Page controls ("Close button", "Share this article", "Advertisement").
    PageControl,
    /// A line without words ("***", a line of no-break spaces).
    NoWords,
}

/// One proposed removal: whole lines of the text, with the reason shown to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub kind: ProposalKind,
    /// Code point range removed (whole lines with their line ends).
    pub range: Range<usize>,
    /// The text removed, as the user sees it.
    pub removed: String,
    /// Why, in words: `"reading time"`, `"repeats the line before"`.
    pub reason: String,
    /// Whether it is applied unless the user says no (what `spanwise import --clean` applies).
    pub accepted: bool,
}

/// Metadata found in the clutter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FoundMetadata {
    pub title: Option<String>,
    pub author: Option<String>,
    /// ISO 8601 (`2020-12-18`).
    pub date: Option<String>,
}

/// Everything the clean-up step proposes for one text.
#[derive(Clone, Debug, PartialEq)]
pub struct CleanupPlan {
    pub proposals: Vec<Proposal>,
    /// Where the article starts and ends (code points); the `BeforeBody`/`AfterBody` proposals
    /// remove what is outside.
    pub body: Range<usize>,
    pub found: FoundMetadata,
}

/// The proposals for a text (see [`plan`] for the body range and metadata too).
pub fn propose(text: &str) -> Vec<Proposal> {
    plan(text).proposals
}

/// A line of the text: byte range without its line end, and with it.
#[derive(Clone, Debug)]
struct Line<'a> {
    text: &'a str,
    trimmed: &'a str,
    start: usize,
    /// End including the `\n`.
    end: usize,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let end = start + piece.len();
        let content = piece.strip_suffix('\n').unwrap_or(piece);
        let content = content.strip_suffix('\r').unwrap_or(content);
        out.push(Line { text: content, trimmed: content.trim(), start, end });
        start = end;
    }
    out
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

fn has_words(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// A body paragraph: long running text.
fn is_paragraph(line: &str) -> bool {
    word_count(line) >= 20 || line.chars().count() >= 160
}

/// "5 min read", "Reading time: 3 minutes", "10-minute read", "Lesezeit 4 Min."
fn is_reading_time(line: &str) -> bool {
    let lower = dates::ascii_digits(line).to_lowercase();
    let words: Vec<&str> =
        lower.split(|c: char| c.is_whitespace() || c == '-' || c == ':').filter(|w| !w.is_empty()).collect();
    if words.len() > 5 || !words.iter().any(|w| w.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let minute = words.iter().any(|w| matches!(*w, "min" | "min." | "mins" | "minute" | "minutes" | "minuten"));
    let read = words.iter().any(|w| matches!(*w, "read" | "reading" | "lesezeit" | "lecture" | "lectura"));
    minute && (read || words.len() <= 2)
}

/// Page controls that are never article text, compared lowercased without final punctuation.
const PAGE_CONTROLS: &[&str] = &[
    "close",
    "close button",
    "close menu",
    "open menu",
    "menu",
    "search",
    "skip to content",
    "skip to main content",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "copy link",
    "link copied",
    "advertisement",
    "advertisements",
    "sponsored",
    "sponsored content",
    "ad",
    "subscribe",
    "sign in",
    "log in",
    "sign up",
    "follow us",
    "listen to this article",
    "listen",
    "play",
    "audio",
    "video",
    "loading",
    "loading…",
    "back to top",
    "scroll to top",
    "read more",
    "continue reading",
    "show more",
    "comments",
    "comment",
    "leave a comment",
    "add a comment",
    "view comments",
    "show comments",
    "related",
    "related articles",
    "related stories",
    "more stories",
    "more from",
    "recommended",
    "you may also like",
    "most read",
    "most popular",
    "trending",
    "newsletter",
    "tags",
    "topics",
];

fn normalized_control(line: &str) -> String {
    line.trim().trim_end_matches(['.', ':', '!', '?', '…', '›', '»', '>']).trim().to_lowercase()
}

fn is_page_control(line: &str) -> bool {
    let norm = normalized_control(line);
    PAGE_CONTROLS.contains(&norm.as_str())
        || norm
            .strip_suffix(" comments")
            .or_else(|| norm.strip_suffix(" comment"))
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
}

/// Markers of a block after the article.
fn is_end_marker(line: &str) -> bool {
    let norm = normalized_control(line);
    is_page_control(line)
        || norm.starts_with("related")
        || norm.starts_with("read more")
        || norm.starts_with("more from")
        || norm.starts_with("more on")
        || norm.starts_with("you may also")
        || norm.starts_with("share this")
        || norm.starts_with("tags:")
        || norm.starts_with("copyright")
        || norm.starts_with('©')
        || norm == "features"
}

/// The date a whole line is (a date with at most a few words around it: "Updated December 18, 2020").
fn date_line(line: &str) -> Option<String> {
    let digits = dates::ascii_digits(line);
    let (range, date) = dates::find_date(&digits)?;
    let rest = format!("{} {}", &digits[..range.start], &digits[range.end..]);
    (word_count(&rest) <= 3).then(|| date.to_iso())
}

/// "By Jane Doe" or a short line of capitalised words (a name), next to the headline.
fn author_line(line: &str) -> Option<String> {
    let trimmed = line.trim();
    let lower = trimmed.to_lowercase();
    if let Some(rest) = ["by ", "written by ", "von ", "por ", "par "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &trimmed[p.len()..]))
    {
        let name = super::html_meta::clean_author(rest);
        return (!name.is_empty() && word_count(&name) <= 8).then_some(name);
    }
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let name_like = (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            let first = w.chars().next().unwrap_or(' ');
            (first.is_uppercase() || matches!(*w, "de" | "da" | "van" | "von" | "al" | "el" | "bin" | "and" | "&"))
                && !w.chars().any(|c| c.is_ascii_digit())
        })
        && !trimmed.ends_with(['.', '?', '!', ':']);
    // Scripts without capitals (Arabic, Persian, Chinese): a short line of 2-4 words with no
    // punctuation next to the date is a name too.
    let caseless = (2..=4).contains(&words.len())
        && trimmed.chars().filter(|c| c.is_alphabetic()).all(|c| !c.is_uppercase() && !c.is_lowercase())
        && !trimmed.chars().any(|c| c.is_ascii_punctuation() || c.is_ascii_digit());
    (name_like || caseless).then(|| trimmed.to_owned())
}

/// A headline: one line of 3 to 30 words that does not end like a sentence.
fn is_title_like(line: &str) -> bool {
    let words = word_count(line);
    (3..=30).contains(&words) && !line.trim_end().ends_with(['.', ':', ';', ',']) && line.chars().count() <= 250
}

/// Computes the clean-up proposals for `text`.
pub fn plan(text: &str) -> CleanupPlan {
    let lines = lines(text);
    if lines.is_empty() {
        // An empty text has nothing to propose (found by the `cleanup` fuzz target: it panicked).
        return CleanupPlan { proposals: Vec::new(), body: 0..0, found: FoundMetadata::default() };
    }
    let index = TextIndex::new(text);
    let chars = |bytes: Range<usize>| -> Range<usize> {
        let start = index.byte_to_char(text, bytes.start).unwrap_or(0);
        let end = index.byte_to_char(text, bytes.end).unwrap_or(index.char_len());
        start..end
    };
    let mut found = FoundMetadata::default();
    let mut removed_lines: Vec<Option<(ProposalKind, String, bool)>> = vec![None; lines.len()];

    // The article's first paragraph.
    let first_paragraph = lines.iter().position(|l| is_paragraph(l.trimmed));
    // The header: up to 25 lines before the first paragraph. Its date, author and reading time
    // lines place the headline just above them.
    let mut body_first_line = 0;
    if let Some(first_paragraph) = first_paragraph {
        let header_start = first_paragraph.saturating_sub(25);
        let mut header_lines = Vec::new();
        for i in header_start..first_paragraph {
            let line = lines[i].trimmed;
            if is_reading_time(line) {
                header_lines.push(i);
                removed_lines[i] = Some((ProposalKind::ReadingTime, "reading time".into(), true));
            } else if let Some(date) = date_line(line) {
                header_lines.push(i);
                found.date.get_or_insert(date);
                removed_lines[i] =
                    Some((ProposalKind::Date, "publication date (kept as the document's date)".into(), true));
            }
        }
        // Author lines sit beside the date or reading time.
        for &i in &header_lines.clone() {
            for j in [i.wrapping_sub(1), i + 1] {
                if j >= header_start
                    && j < first_paragraph
                    && removed_lines[j].is_none()
                    && let Some(author) = author_line(lines[j].trimmed)
                {
                    found.author.get_or_insert(author);
                    header_lines.push(j);
                    removed_lines[j] =
                        Some((ProposalKind::Author, "author (kept as the document's author)".into(), true));
                }
            }
        }
        if let Some(&first_meta) = header_lines.iter().min() {
            // The headline is the nearest title-like line above the date/author block.
            let headline = (header_start..first_meta).rev().take(4).find(|&i| is_title_like(lines[i].trimmed));
            if let Some(headline) = headline {
                found.title = Some(lines[headline].trimmed.to_owned());
                body_first_line = headline;
            } else {
                body_first_line = first_meta;
            }
        }
    }
    // Everything above the headline is page furniture when it is short lines only.
    if lines[..body_first_line].iter().any(|l| is_paragraph(l.trimmed)) {
        body_first_line = 0;
    }

    // The trailing block: after the last paragraph, from the first end marker on.
    let last_paragraph = lines.iter().rposition(|l| is_paragraph(l.trimmed));
    let mut body_last_line = lines.len().saturating_sub(1);
    if let Some(last_paragraph) = last_paragraph {
        let tail_start = last_paragraph + 1;
        let has_marker = lines[tail_start..].iter().any(|l| is_end_marker(l.trimmed) || is_reading_time(l.trimmed));
        let all_short = lines[tail_start..].iter().all(|l| !is_paragraph(l.trimmed));
        if has_marker
            && all_short
            && let Some(marker) = (tail_start..lines.len()).find(|&i| {
                is_end_marker(lines[i].trimmed)
                    || is_reading_time(lines[i].trimmed)
                    || date_line(lines[i].trimmed).is_some()
            })
        {
            body_last_line =
                (tail_start..marker).rev().find(|&i| !lines[i].trimmed.is_empty()).unwrap_or(last_paragraph);
        }
    }

    // Lines inside the body.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for line in &lines {
        if !line.trimmed.is_empty() && word_count(line.trimmed) <= 6 {
            *counts.entry(line.trimmed).or_default() += 1;
        }
    }
    let mut previous_text: Option<&str> = None;
    for i in body_first_line..=body_last_line.min(lines.len().saturating_sub(1)) {
        let line = lines[i].trimmed;
        if line.is_empty() {
            continue;
        }
        if removed_lines[i].is_none() {
            if previous_text == Some(line) {
                removed_lines[i] = Some((ProposalKind::Duplicate, "repeats the line before".into(), true));
            } else if is_page_control(line) {
                removed_lines[i] = Some((ProposalKind::PageControl, "page control, not article text".into(), true));
            } else if is_reading_time(line) {
                removed_lines[i] = Some((ProposalKind::ReadingTime, "reading time".into(), true));
            } else if !has_words(line) {
                removed_lines[i] = Some((ProposalKind::NoWords, "a line without words".into(), true));
            } else if counts.get(line).copied().unwrap_or(0) >= 3 && !(found.title.is_some() && i == body_first_line) {
                removed_lines[i] =
                    Some((ProposalKind::Repeated, format!("short line that appears {} times", counts[line]), false));
            }
        }
        previous_text = Some(line);
    }

    // Blank lines: one is kept between kept lines; those that would pile up once the proposed
    // lines are gone (or that hold only spaces, like a line of no-break spaces) go with them.
    let last_line = body_last_line.min(lines.len().saturating_sub(1));
    let mut previous_kept_blank = true;
    for i in body_first_line..=last_line {
        if lines.is_empty() {
            break;
        }
        if removed_lines[i].is_some() {
            continue;
        }
        let blank = lines[i].trimmed.is_empty();
        if blank && (previous_kept_blank || !lines[i].text.is_empty()) {
            removed_lines[i] = Some((ProposalKind::NoWords, "blank lines".into(), true));
            continue;
        }
        previous_kept_blank = blank;
    }

    // Consecutive lines removed for the same reason form one proposal; blank lines join the
    // proposal just before them.
    let mut proposals = Vec::new();
    let body_start_byte = lines.get(body_first_line).map_or(0, |l| l.start);
    if body_start_byte > 0 {
        proposals.push(Proposal {
            kind: ProposalKind::BeforeBody,
            removed: text[..body_start_byte].to_owned(),
            range: chars(0..body_start_byte),
            reason: "before the article (navigation, banners)".into(),
            accepted: true,
        });
    }
    let body_end_byte = lines.get(body_last_line).map_or(text.len(), |l| l.start + l.text.len());
    let mut groups: Vec<(ProposalKind, String, bool, usize, usize)> = Vec::new();
    for i in body_first_line..=last_line {
        if lines.is_empty() {
            break;
        }
        let Some((kind, reason, accepted)) = removed_lines[i].clone() else { continue };
        let (start, end) = (lines[i].start, lines[i].end.min(body_end_byte.max(lines[i].start)));
        if let Some(last) = groups.last_mut()
            && last.4 == start
            && (last.0 == kind || reason == "blank lines")
        {
            last.4 = end;
            continue;
        }
        groups.push((kind, reason, accepted, start, end));
    }
    for (kind, reason, accepted, start, end) in groups {
        if start < end {
            proposals.push(Proposal {
                kind,
                removed: text[start..end].to_owned(),
                range: chars(start..end),
                reason,
                accepted,
            });
        }
    }
    if body_end_byte < text.len() {
        proposals.push(Proposal {
            kind: ProposalKind::AfterBody,
            removed: text[body_end_byte..].to_owned(),
            range: chars(body_end_byte..text.len()),
            reason: "after the article (comments, links to other articles)".into(),
            accepted: true,
        });
    }
    proposals.sort_by_key(|p| (p.range.start, p.range.end));
    let body = chars(body_start_byte..body_end_byte);
    CleanupPlan { proposals, body, found }
}

impl CleanupPlan {
    /// Moves the body's start and end (code points); the before/after proposals follow.
    pub fn set_body(&mut self, text: &str, body: Range<usize>) {
        let index = TextIndex::new(text);
        let len = index.char_len();
        let body = body.start.min(len)..body.end.clamp(body.start.min(len), len);
        self.proposals.retain(|p| !matches!(p.kind, ProposalKind::BeforeBody | ProposalKind::AfterBody));
        let slice = |r: Range<usize>| index.slice(text, r).unwrap_or_default().to_owned();
        if body.start > 0 {
            self.proposals.push(Proposal {
                kind: ProposalKind::BeforeBody,
                removed: slice(0..body.start),
                range: 0..body.start,
                reason: "before the article".into(),
                accepted: true,
            });
        }
        if body.end < len {
            self.proposals.push(Proposal {
                kind: ProposalKind::AfterBody,
                removed: slice(body.end..len),
                range: body.end..len,
                reason: "after the article".into(),
                accepted: true,
            });
        }
        self.proposals.sort_by_key(|p| (p.range.start, p.range.end));
        self.body = body;
    }

    /// The text without the accepted proposals' ranges.
    pub fn apply(&self, text: &str) -> String {
        let ranges: Vec<Range<usize>> = self.proposals.iter().filter(|p| p.accepted).map(|p| p.range.clone()).collect();
        remove_ranges(text, &ranges)
    }
}

/// Removes code point ranges (any order, may overlap) from a text.
pub fn remove_ranges(text: &str, ranges: &[Range<usize>]) -> String {
    let index = TextIndex::new(text);
    let mut bytes: Vec<Range<usize>> = ranges.iter().filter_map(|r| index.byte_range(text, r.clone())).collect();
    bytes.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in bytes {
        if range.start > at {
            out.push_str(&text[at..range.start]);
        }
        at = at.max(range.end);
    }
    out.push_str(&text[at.min(text.len())..]);
    // The text keeps no blank lines at its ends.
    out.trim_matches('\n').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_times_and_controls() {
        for line in ["5 min read", "Reading time: 3 minutes", "10-minute read", "۵ min read"] {
            assert!(is_reading_time(line), "{line}");
        }
        assert!(!is_reading_time("He spent 5 minutes reading the report before he left the room"));
        assert!(is_page_control("Close button"));
        assert!(is_page_control("12 comments"));
        assert!(!is_page_control("The Findings"));
    }

    #[test]
    fn a_clean_text_is_left_alone() {
        let text = "Müller 🎉 👨‍👩‍👧 شبکه‌های 社交 said this in a long paragraph of running text that has many words in it, \
                    more than twenty of them, so it is a paragraph.\n\nAnd a second one.";
        let plan = plan(text);
        assert!(plan.proposals.is_empty(), "{:?}", plan.proposals);
        assert_eq!(plan.apply(text), text);
    }

    #[test]
    fn offsets_are_code_points() {
        let para = "Grüße 🎉 from the 👨‍👩‍👧 family, شبکه‌های اجتماعی and 社交媒体, a paragraph of running text with more than twenty words in it for sure.";
        let text = format!(
            "Menü 🎉\nA headline über 社交 news\n\nBy Zoë Müller\nDecember 18, 2020\n5 min read\n\n{para}\n\ncomments\n"
        );
        let plan = plan(&text);
        for proposal in &plan.proposals {
            let chars: String = text.chars().skip(proposal.range.start).take(proposal.range.len()).collect();
            assert_eq!(chars, proposal.removed);
        }
        assert_eq!(plan.found.author.as_deref(), Some("Zoë Müller"));
        assert_eq!(plan.found.date.as_deref(), Some("2020-12-18"));
        assert_eq!(plan.found.title.as_deref(), Some("A headline über 社交 news"));
        assert_eq!(plan.apply(&text), format!("A headline über 社交 news\n\n{para}"));
    }

    #[test]
    fn empty_and_blank_texts_have_nothing_to_propose() {
        assert_eq!(plan("").proposals, []);
        assert_eq!(plan("").apply(""), "");
        for text in ["\n", " ", "\u{a0}\n\n", "***"] {
            let plan = plan(text);
            let _ = plan.apply(text);
        }
    }

    #[test]
    fn the_body_can_be_moved() {
        let text = "Nav\nTitle of it all here\nDecember 1, 2020\nThis is the first paragraph of the article with enough words to count as running text for sure, yes indeed.\nLast line.";
        let mut plan = plan(text);
        let len = text.chars().count();
        plan.set_body(text, 4..len - "\nLast line.".chars().count());
        assert_eq!(
            plan.apply(text),
            "Title of it all here\nThis is the first paragraph of the article with enough words to count as running text for sure, yes indeed."
        );
    }
}
