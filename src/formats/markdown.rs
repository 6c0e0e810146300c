//! Markdown import. The stored text is what a reader sees: markup is removed (heading marks,
//! emphasis, link targets, images, HTML tags) while paragraphs, headings' words, list items and
//! code stay, so coders annotate prose rather than syntax. A leading `---` front matter block of
//! `key: value` lines becomes document metadata.

use crate::model::Document;

use super::text::{guess_title, normalize};

pub fn import(raw: &str, document_id: String, name: String) -> Document {
    let normalized = normalize(raw);
    let (metadata, body) = split_front_matter(&normalized);
    let text = to_plain_text(body);
    let mut doc = Document::new(document_id, name, text);
    for (key, value) in metadata {
        doc.metadata.insert(key, value);
    }
    if !doc.metadata.contains_key("title")
        && let Some(title) = guess_title(&doc.text)
    {
        doc.metadata.insert("title".into(), title);
    }
    doc
}

fn split_front_matter(text: &str) -> (Vec<(String, String)>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else {
        return (Vec::new(), text);
    };
    let Some(end) =
        rest.find("\n---\n").map(|i| (i, i + 5)).or_else(|| rest.strip_suffix("\n---").map(|r| (r.len(), rest.len())))
    else {
        return (Vec::new(), text);
    };
    let mut metadata = Vec::new();
    for line in rest[..end.0].lines() {
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim().trim_matches('"').to_owned();
            metadata.push((key.trim().to_lowercase(), value));
        }
    }
    (metadata, rest[end.1..].trim_start_matches('\n'))
}

/// Markdown to the plain text a reader sees.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut in_fence = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // Thematic breaks and setext underlines carry no words.
        let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() >= 3
            && (compact.chars().all(|c| c == '-')
                || compact.chars().all(|c| c == '*')
                || compact.chars().all(|c| c == '_')
                || compact.chars().all(|c| c == '='))
        {
            continue;
        }
        let mut content = trimmed;
        // Headings.
        let hashes = content.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && content[hashes..].starts_with([' ', '\t']) {
            content = content[hashes..].trim().trim_end_matches('#').trim_end();
        }
        // Block quotes.
        while let Some(rest) = content.strip_prefix('>') {
            content = rest.trim_start();
        }
        out.push_str(&inline_to_text(content));
        out.push('\n');
    }
    // Keep the text's own trailing newline behaviour simple: no trailing blank lines.
    let trimmed_len = out.trim_end_matches('\n').len();
    out.truncate(trimmed_len);
    out
}

/// Link texts inside link texts are cleaned this deep; deeper markup stays as written (no
/// reader nests links, and hostile input must not exhaust the stack).
const MAX_LINK_NESTING: usize = 8;

/// Where things are in one line, found once so that every lookup is a binary search: the
/// closing `]` of each `[`, and the positions of `)`, `]` and `>`. Keeps hostile lines (a million
/// `[`, `<a<a<a…`) linear instead of quadratic.
struct LineIndex {
    /// (open, close) of matching brackets, sorted by open.
    brackets: Vec<(usize, usize)>,
    parens_close: Vec<usize>,
    brackets_close: Vec<usize>,
    angles_close: Vec<usize>,
}

impl LineIndex {
    fn new(chars: &[char]) -> Self {
        let mut brackets = Vec::new();
        let mut open = Vec::new();
        let (mut parens_close, mut brackets_close, mut angles_close) = (Vec::new(), Vec::new(), Vec::new());
        for (i, &c) in chars.iter().enumerate() {
            match c {
                '[' => open.push(i),
                ']' => {
                    brackets_close.push(i);
                    if let Some(start) = open.pop() {
                        brackets.push((start, i));
                    }
                }
                ')' => parens_close.push(i),
                '>' => angles_close.push(i),
                _ => {}
            }
        }
        brackets.sort_unstable();
        Self { brackets, parens_close, brackets_close, angles_close }
    }

    fn closing_bracket(&self, open: usize) -> Option<usize> {
        let at = self.brackets.binary_search_by_key(&open, |(o, _)| *o).ok()?;
        Some(self.brackets[at].1)
    }

    fn next(list: &[usize], from: usize) -> Option<usize> {
        list.get(list.partition_point(|&p| p < from)).copied()
    }
}

/// Removes inline markup: emphasis, code ticks, links (keeping their text), images, HTML tags.
fn inline_to_text(line: &str) -> String {
    inline_to_text_at(line, 0)
}

fn inline_to_text_at(line: &str, depth: usize) -> String {
    if depth > MAX_LINK_NESTING {
        return line.to_owned();
    }
    let chars: Vec<char> = line.chars().collect();
    let index = LineIndex::new(&chars);
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '!' if chars.get(i + 1) == Some(&'[') => {
                // Image: keep the alt text.
                if let Some((text, next)) = link_at(&chars, &index, i + 1) {
                    out.push_str(&text);
                    i = next;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            '[' => {
                if let Some((text, next)) = link_at(&chars, &index, i) {
                    out.push_str(&inline_to_text_at(&text, depth + 1));
                    i = next;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            '*' | '_' | '`' => {
                // Emphasis and code markers: drop runs of them unless inside a word (snake_case).
                let run = chars[i..].iter().take_while(|&&x| x == c).count();
                let inside_word = c == '_'
                    && i > 0
                    && chars[i - 1].is_alphanumeric()
                    && chars.get(i + run).is_some_and(|x| x.is_alphanumeric());
                let list_bullet = c == '*' && i == 0 && chars.get(1) == Some(&' ');
                if inside_word || list_bullet {
                    out.extend(&chars[i..i + run]);
                }
                i += run;
            }
            '<' => {
                // Inline HTML tags are dropped, never interpreted.
                match LineIndex::next(&index.angles_close, i) {
                    Some(close)
                        if chars.get(i + 1).is_some_and(|x| x.is_ascii_alphabetic() || *x == '/' || *x == '!') =>
                    {
                        i = close + 1
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `[text](target)` or `[text][ref]` starting at `start`: returns the text and the index after it.
fn link_at(chars: &[char], index: &LineIndex, start: usize) -> Option<(String, usize)> {
    let close = index.closing_bracket(start)?;
    let end = match chars.get(close + 1) {
        Some('(') => LineIndex::next(&index.parens_close, close + 2)?,
        Some('[') => LineIndex::next(&index.brackets_close, close + 2)?,
        _ => return None,
    };
    let text: String = chars[start + 1..close].iter().collect();
    Some((text, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_keeps_words() {
        let md = "# Official *Study*\n\nA [journal](http://x.org) says **social media** is `bad`.\n\n> quoted text\n\n- item one\n* item two\n\n---\n\n![a chart](c.png) snake_case <b>bold</b>";
        assert_eq!(
            to_plain_text(md),
            "Official Study\n\nA journal says social media is bad.\n\nquoted text\n\n- item one\n* item two\n\n\na chart snake_case bold"
        );
    }

    #[test]
    fn front_matter_becomes_metadata() {
        let doc = import(
            "---\ntitle: \"Fear of Social Media\"\nauthor: Behnam Gholipour\n---\nBody text.\n",
            "d1".into(),
            "a.md".into(),
        );
        assert_eq!(doc.metadata["title"], "Fear of Social Media");
        assert_eq!(doc.metadata["author"], "Behnam Gholipour");
        assert_eq!(doc.text, "Body text.");
    }

    #[test]
    fn fenced_code_is_kept_verbatim() {
        assert_eq!(to_plain_text("```\nlet *x* = 1;\n```\nafter"), "let *x* = 1;\nafter");
    }

    #[test]
    fn unbalanced_markup_does_not_panic() {
        for md in ["[", "[a](", "![", "<", "\\", "[a][b", "`", "<a", "# ", "#"] {
            let _ = to_plain_text(md);
        }
    }
}
