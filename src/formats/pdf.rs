//! PDF text layers (`pdf-extract` over `lopdf`): glyphs with their positions become lines, lines
//! become paragraphs where the gap between them grows, words hyphenated at a line end are joined
//! again ("inter-" + "national" → "international"), and running headers and footers (a line at
//! the top or bottom that recurs on most pages, page numbers included) are dropped. A PDF with
//! pages but no text (scanned images) and a password-protected PDF are reported as such.
//!
//! `pdf-extract` panics on some damaged files; the panic is caught and reported as damage.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PdfError {
    #[error("the PDF is password-protected; remove the password (print to PDF without it) and import again")]
    PasswordProtected,
    #[error("the PDF has no text layer ({pages} page(s) of images only, e.g. a scan); run OCR on it first")]
    NoTextLayer { pages: usize },
    #[error("the PDF is damaged or not a PDF: {0}")]
    Damaged(String),
}

/// A PDF's text and the properties in its information dictionary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PdfText {
    pub text: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub pages: usize,
}

#[derive(Clone, Debug)]
struct Glyph {
    x: f64,
    y: f64,
    size: f64,
    end: f64,
    text: String,
}

#[derive(Clone, Debug)]
struct Line {
    /// Distance from the top of the page.
    y: f64,
    size: f64,
    text: String,
}

#[derive(Default)]
struct Collector {
    pages: Vec<Vec<Line>>,
    glyphs: Vec<Glyph>,
    page_height: f64,
}

impl Collector {
    fn flush_page(&mut self) {
        let glyphs = std::mem::take(&mut self.glyphs);
        let mut lines: Vec<Line> = Vec::new();
        let mut last: Option<&Glyph> = None;
        for glyph in &glyphs {
            let new_line = match last {
                None => true,
                Some(prev) => {
                    (glyph.y - prev.y).abs() > prev.size.max(glyph.size) * 0.5
                        || glyph.x + glyph.size < prev.x && (glyph.y - prev.y).abs() > 0.1
                }
            };
            if new_line {
                lines.push(Line { y: glyph.y, size: glyph.size, text: String::new() });
            } else if let Some(prev) = last
                && glyph.x > prev.end + glyph.size * 0.15
                && !glyph.text.starts_with(' ')
                && let Some(line) = lines.last_mut()
                && !line.text.ends_with(' ')
            {
                line.text.push(' ');
            }
            if let Some(line) = lines.last_mut() {
                line.text.push_str(&glyph.text);
                line.size = line.size.max(glyph.size);
            }
            last = Some(glyph);
        }
        for line in &mut lines {
            line.text = line.text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        lines.retain(|l| !l.text.is_empty());
        self.pages.push(lines);
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &MediaBox,
        _art: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page_height = media_box.ury - media_box.lly;
        self.glyphs.clear();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.flush_page();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The font size in page space: the geometric mean of the transformed (size, size) vector.
        let size_x = font_size * (trm.m11 + trm.m21);
        let size_y = font_size * (trm.m12 + trm.m22);
        let size = (size_x * size_y).abs().sqrt().max(0.1);
        let (x, y) = (trm.m31, self.page_height - trm.m32);
        self.glyphs.push(Glyph { x, y, size, end: x + width * size, text: text.to_owned() });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Reads a PDF's text.
pub fn import(bytes: &[u8]) -> Result<PdfText, PdfError> {
    // lopdf and pdf-extract panic on some damaged files (an `unwrap` on a missing object): the
    // panic is caught and reported as damage, like any other unreadable PDF.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| import_unguarded(bytes))) {
        Ok(result) => result,
        Err(panic) => {
            let reason = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "the text layer cannot be read".into());
            Err(PdfError::Damaged(reason))
        }
    }
}

fn import_unguarded(bytes: &[u8]) -> Result<PdfText, PdfError> {
    let mut doc = match pdf_extract::Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(error) => {
            let message = error.to_string();
            if message.to_lowercase().contains("password") || message.to_lowercase().contains("decrypt") {
                return Err(PdfError::PasswordProtected);
            }
            return Err(PdfError::Damaged(message));
        }
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(PdfError::PasswordProtected);
    }
    let page_count = doc.get_pages().len();
    let (title, author, date) = info(&doc);
    let mut collector = Collector::default();
    pdf_extract::output_doc(&doc, &mut collector).map_err(|error| PdfError::Damaged(format!("{error:?}")))?;
    let text = assemble(collector.pages);
    if text.trim().is_empty() {
        return Err(PdfError::NoTextLayer { pages: page_count });
    }
    Ok(PdfText { text, title, author, date, pages: page_count })
}

fn info(doc: &pdf_extract::Document) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(info) = doc.trailer.get(b"Info").and_then(|o| o.as_reference()).and_then(|id| doc.get_dictionary(id)) else {
        return (None, None, None);
    };
    let text = |key: &[u8]| {
        info.get(key)
            .ok()
            .and_then(|o| o.as_str().ok())
            .map(decode_pdf_string)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let date = text(b"CreationDate").and_then(|d| pdf_date(&d));
    (text(b"Title"), text(b"Author"), date)
}

/// PDF text strings: UTF-16BE with a BOM, else PDFDocEncoding (Latin-1 for the printable range).
fn decode_pdf_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// `D:20201218093000+03'30'` → `2020-12-18T09:30:00`.
fn pdf_date(raw: &str) -> Option<String> {
    let digits: String = raw.trim_start_matches("D:").chars().take_while(char::is_ascii_digit).collect();
    let part = |range: std::ops::Range<usize>| digits.get(range).map(str::to_owned);
    let (year, month, day) = (part(0..4)?, part(4..6).unwrap_or("01".into()), part(6..8).unwrap_or("01".into()));
    match (part(8..10), part(10..12), part(12..14)) {
        (Some(h), Some(m), s) => Some(format!("{year}-{month}-{day}T{h}:{m}:{}", s.unwrap_or("00".into()))),
        _ => Some(format!("{year}-{month}-{day}")),
    }
}

/// A line with its digits replaced, to recognise "Page 3 of 9" and "Page 4 of 9" as one.
fn digits_blurred(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect::<String>().to_lowercase()
}

/// Lines → paragraphs, without running headers and footers, with hyphenation repaired.
fn assemble(mut pages: Vec<Vec<Line>>) -> String {
    // Running headers and footers: among the first two and last two lines of each page, those
    // that recur (digits aside) on at least half of the pages (3 or more pages), and lone page numbers.
    if pages.len() >= 2 {
        let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for page in &pages {
            let mut seen = std::collections::HashSet::new();
            for line in edge_lines(page) {
                if seen.insert(digits_blurred(&line.text)) {
                    *counts.entry(digits_blurred(&line.text)).or_default() += 1;
                }
            }
        }
        let threshold = (pages.len() / 2).max(2);
        for page in &mut pages {
            let edges: Vec<usize> = edge_indexes(page.len());
            let mut drop = Vec::new();
            for i in edges {
                let blurred = digits_blurred(&page[i].text);
                let page_number = page[i].text.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
                    || blurred.trim_start_matches("page ").chars().all(|c| c == '#' || c == ' ' || c == '/')
                        && blurred.contains('#');
                if counts.get(&blurred).copied().unwrap_or(0) >= threshold || page_number {
                    drop.push(i);
                }
            }
            drop.sort_unstable();
            drop.dedup();
            for i in drop.into_iter().rev() {
                page.remove(i);
            }
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for page in &pages {
        let spacing = typical_spacing(page);
        let mut previous: Option<&Line> = None;
        for line in page {
            let breaks = match previous {
                // A new page continues the paragraph unless the last line ended a sentence.
                None => current.trim_end().ends_with(['.', '!', '?', ':', '"', '”', '»']),
                Some(prev) => {
                    let gap = line.y - prev.y;
                    gap > spacing * 1.4 || gap < 0.0 || (line.size - prev.size).abs() > prev.size * 0.2
                }
            };
            if breaks && !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            join_line(&mut current, &line.text);
            previous = Some(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}

fn edge_indexes(len: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (0..len.min(2)).collect();
    out.extend(len.saturating_sub(2)..len);
    out.sort_unstable();
    out.dedup();
    out
}

fn edge_lines(page: &[Line]) -> Vec<&Line> {
    edge_indexes(page.len()).into_iter().map(|i| &page[i]).collect()
}

/// The most common distance between consecutive lines of a page.
fn typical_spacing(page: &[Line]) -> f64 {
    let mut gaps: Vec<f64> = page.windows(2).map(|w| w[1].y - w[0].y).filter(|g| *g > 0.0).collect();
    if gaps.is_empty() {
        return page.first().map_or(12.0, |l| l.size * 1.2);
    }
    gaps.sort_by(|a, b| a.total_cmp(b));
    // The lower median: with two gaps, the smaller one is the line spacing.
    gaps[(gaps.len() - 1) / 2]
}

/// Appends a line to a paragraph, joining a word hyphenated across the line end.
fn join_line(paragraph: &mut String, line: &str) {
    if paragraph.is_empty() {
        paragraph.push_str(line);
        return;
    }
    let starts_lowercase = line.chars().next().is_some_and(char::is_lowercase);
    let hyphenated = paragraph.ends_with(['-', '\u{ad}'])
        && paragraph.trim_end_matches(['-', '\u{ad}']).chars().last().is_some_and(char::is_alphabetic)
        && !paragraph.ends_with("--");
    // A soft hyphen at a line end always joins; a hard one only before a lowercase letter.
    if hyphenated && starts_lowercase || paragraph.ends_with('\u{ad}') {
        paragraph.pop();
        paragraph.push_str(line);
    } else {
        paragraph.push(' ');
        paragraph.push_str(line);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn hyphenation_is_repaired_only_before_lowercase() {
        let mut p = String::from("an inter-");
        join_line(&mut p, "national study");
        assert_eq!(p, "an international study");
        let mut p = String::from("the Franco-");
        join_line(&mut p, "German border");
        assert_eq!(p, "the Franco- German border");
    }

    #[test]
    fn pdf_dates() {
        assert_eq!(pdf_date("D:20201218093000+03'30'").as_deref(), Some("2020-12-18T09:30:00"));
        assert_eq!(pdf_date("D:2020").as_deref(), Some("2020-01-01"));
    }

    #[test]
    fn garbage_is_damage_not_a_panic() {
        assert!(matches!(import(b"%PDF-1.4\n garbage"), Err(PdfError::Damaged(_))));
        assert!(matches!(import(b"not a pdf at all"), Err(PdfError::Damaged(_))));
    }
}
