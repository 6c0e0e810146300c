//! HTML to the text a reader sees: block elements become paragraphs (separated by a blank
//! line), list items and `<br>` become lines, inline markup is dropped without adding spaces
//! (`<span>W</span>hale` stays one word), runs of whitespace collapse to one space, `<pre>`
//! keeps its lines. Scripts, styles, forms, media and figure captions carry no article words.

use dom_query::NodeRef;

/// Elements whose content is never text for a reader.
const SKIPPED: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "svg",
    "math",
    "img",
    "picture",
    "video",
    "audio",
    "source",
    "track",
    "iframe",
    "object",
    "embed",
    "canvas",
    "button",
    "input",
    "select",
    "textarea",
    "option",
    "form",
    "figcaption",
    "map",
    "area",
    "dialog",
];

/// Elements that start and end a paragraph.
const PARAGRAPHS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "table",
    "figure",
    "pre",
    "address",
    "center",
    "details",
    "summary",
    "fieldset",
    "hgroup",
    "body",
    "html",
    "caption",
    "thead",
    "tbody",
    "tfoot",
];

/// Elements that start and end a line (inside a paragraph).
const LINES: &[&str] = &["li", "dt", "dd", "tr", "option"];

/// Collects text with pending breaks, so that nested blocks never produce runs of blank lines.
#[derive(Default)]
pub struct TextBuilder {
    out: String,
    /// 0: nothing pending, 1: a line break, 2: a paragraph break.
    pending: u8,
    /// A space is owed before the next word (collapsed whitespace).
    space: bool,
}

impl TextBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks for a line break (1) or paragraph break (2) before the next text.
    pub fn brk(&mut self, level: u8) {
        self.pending = self.pending.max(level);
    }

    /// Adds inline text, collapsing whitespace.
    pub fn push_inline(&mut self, text: &str) {
        for ch in text.chars() {
            // White_Space includes U+00A0: a no-break space collapses like any other.
            if ch.is_whitespace() {
                self.space = true;
                continue;
            }
            self.flush_breaks();
            if self.space && !self.at_line_start() {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(ch);
        }
    }

    /// Adds preformatted text as it is (line ends kept).
    pub fn push_pre(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.flush_breaks();
        self.space = false;
        self.out.push_str(text.trim_end_matches('\n'));
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    fn flush_breaks(&mut self) {
        if self.pending > 0 && !self.out.is_empty() {
            // Trailing spaces of the line just ended are dropped.
            let trimmed = self.out.trim_end_matches(' ').len();
            self.out.truncate(trimmed);
            self.out.push_str(if self.pending >= 2 { "\n\n" } else { "\n" });
            self.space = false;
        }
        self.pending = 0;
    }

    pub fn finish(mut self) -> String {
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        self.out
    }
}

/// The text of a node and its descendants.
pub fn node_text(node: &NodeRef) -> String {
    let mut builder = TextBuilder::new();
    append_node(node, &mut builder, &|_| false);
    builder.finish()
}

/// Appends the text of `node` to `builder`, skipping elements for which `skip` says so.
pub fn append_node(node: &NodeRef, builder: &mut TextBuilder, skip: &dyn Fn(&NodeRef) -> bool) {
    // An explicit stack instead of recursion: hostile pages nest ten thousand levels deep.
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(u8),
    }
    let mut stack = vec![Step::Enter(*node)];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Leave(level) => {
                builder.brk(level);
                continue;
            }
            Step::Enter(node) => node,
        };
        if node.is_text() {
            builder.push_inline(&node.text());
            continue;
        }
        if !(node.is_element() || node.is_document() || node.is_fragment()) {
            continue;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if SKIPPED.contains(&name.as_str()) || node.is_element() && (hidden(&node) || skip(&node)) {
            continue;
        }
        match name.as_str() {
            "br" => {
                builder.brk(1);
                continue;
            }
            "hr" => {
                builder.brk(2);
                continue;
            }
            "pre" => {
                builder.brk(2);
                builder.push_pre(&node.text());
                builder.brk(2);
                continue;
            }
            _ => {}
        }
        let level = if PARAGRAPHS.contains(&name.as_str()) {
            2
        } else if LINES.contains(&name.as_str()) {
            1
        } else if matches!(name.as_str(), "td" | "th") {
            // Cells of a row stay on its line, apart.
            builder.push_inline(" ");
            0
        } else {
            0
        };
        builder.brk(level);
        stack.push(Step::Leave(level));
        let children = node.children();
        for child in children.into_iter().rev() {
            stack.push(Step::Enter(child));
        }
    }
}

/// Elements a browser does not show.
fn hidden(node: &NodeRef) -> bool {
    if node.has_attr("hidden") || node.attr("aria-hidden").is_some_and(|v| v.as_ref() == "true") {
        return true;
    }
    node.attr("style").is_some_and(|style| {
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        let doc = dom_query::Document::from(html);
        node_text(&doc.root())
    }

    #[test]
    fn paragraphs_lines_and_inline_markup() {
        let html = "<div><h1>Title</h1><p><span>W</span>hale  \n whisperer <b>said</b></p>\
                    <ul><li>one</li><li>two<br>lines</li></ul><p>Müller 🎉 👨‍👩‍👧 شبکه‌های 社交</p></div>";
        assert_eq!(text_of(html), "Title\n\nWhale whisperer said\n\none\ntwo\nlines\n\nMüller 🎉 👨‍👩‍👧 شبکه‌های 社交");
    }

    #[test]
    fn scripts_captions_and_hidden_parts_are_dropped() {
        let html = "<p>a</p><script>var x</script><figure><img src=x><figcaption>Photo: AP</figcaption></figure>\
                    <p style='display: none'>secret</p><p hidden>gone</p><p>b&nbsp;c</p>";
        assert_eq!(text_of(html), "a\n\nb c");
    }

    #[test]
    fn pre_keeps_lines() {
        assert_eq!(text_of("<p>x</p><pre>a  b\n  c\n</pre><p>y</p>"), "x\n\na  b\n  c\n\ny");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(20_000) + "deep" + &"</div>".repeat(20_000);
        assert_eq!(text_of(&html), "deep");
    }
}
