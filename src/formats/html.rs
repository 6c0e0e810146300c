//! Web pages (`.html`, `.htm`, saved or fetched): the article body and the page's metadata.
//!
//! The body is found by `dom_smoothie` (a port of Mozilla's Readability) and turned into text by
//! [`super::html_text`]: headline first, then paragraphs, block quotes, lists and headings inside
//! the article, separated by blank lines. Before that, parts of a page that are never article
//! text are removed by general rules (share buttons, captions, newsletter boxes, comments,
//! related-article teasers, recommendation widgets), because Readability keeps some of them.
//! Metadata comes from [`super::html_meta`], read before anything is removed.

use dom_query::{Document, NodeRef};

use super::html_meta::{self, PageMetadata};
use super::html_text::{TextBuilder, append_node, node_text};

/// Pages with more elements than this are refused rather than parsed for minutes.
pub const MAX_ELEMENTS: usize = 400_000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum HtmlError {
    #[error("the page has no article text (nothing but navigation, scripts or markup)")]
    NoText,
    #[error("the page has {0} elements; Spanwise reads pages of at most {MAX_ELEMENTS}")]
    TooManyElements(usize),
}

/// An article found in a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    /// Headline, then the body, paragraphs separated by a blank line.
    pub text: String,
    pub metadata: PageMetadata,
}

/// Class and id words that mark page furniture rather than article text.
const CLUTTER_WORDS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "sharebar",
    "sharetools",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "related",
    "recirculation",
    "recommended",
    "recommendations",
    "outbrain",
    "taboola",
    "promo",
    "promotion",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adslot",
    "sponsored",
    "comments",
    "comment",
    "disqus",
    "caption",
    "credit",
    "credits",
    "breadcrumb",
    "breadcrumbs",
    "toolbar",
    "popup",
    "modal",
    "paywall",
    "cookie",
    "cookies",
    "consent",
    "print",
    "tags",
    "tag",
    "topics",
    "keywords",
    "byline",
    "dateline",
    "timestamp",
    "author",
    "bio",
    "nav",
    "navigation",
    "menu",
    "footer",
    "masthead",
    "sidebar",
    "widget",
    "trending",
    "mostread",
    "most-read",
    "readmore",
    "read-more",
    "more-stories",
    "moreon",
    "inline-link",
    "storylink",
    "see-also",
    "seealso",
];

/// Class or id words that mark the article itself, which is never removed as clutter.
const CONTENT_WORDS: &[&str] =
    &["article", "articlebody", "article-body", "story", "content", "post", "entry", "main", "body", "text"];

fn words_of(node: &NodeRef) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["class", "id", "itemprop", "data-component", "role"] {
        if let Some(value) = node.attr(attr) {
            for word in
                value.split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == ':').filter(|w| !w.is_empty())
            {
                out.push(word.to_ascii_lowercase());
            }
            // Whole class names too, so `most-read` and `read-more` match as written.
            for name in value.split_whitespace() {
                out.push(name.to_ascii_lowercase());
            }
        }
    }
    out
}

/// Whether an element is page furniture: its class/id says so and it holds little running text.
fn is_clutter(node: &NodeRef) -> bool {
    let name = node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
    if matches!(name.as_str(), "nav" | "aside" | "figcaption" | "footer" | "form" | "button") {
        return true;
    }
    if matches!(name.as_str(), "body" | "html" | "article" | "main" | "p" | "h1" | "h2" | "h3" | "blockquote") {
        return false;
    }
    let words = words_of(node);
    if words.is_empty()
        || words.iter().any(|w| CONTENT_WORDS.contains(&w.as_str())) && !words.iter().any(|w| w == "related")
    {
        return false;
    }
    if !words.iter().any(|w| CLUTTER_WORDS.contains(&w.as_str())) {
        return false;
    }
    // An element with several paragraphs of prose is content whatever its class says.
    let paragraphs = node.find(&["p"]).iter().filter(|p| p.text().split_whitespace().count() >= 25).count();
    paragraphs < 2
}

/// Extracts the article of a page. `url` (where the page came from) fills the canonical URL
/// when the page names none.
pub fn extract(html: &str, url: Option<&str>) -> Result<Article, HtmlError> {
    let html = strip_unread(html);
    let doc = Document::from(html.as_str());
    let mut metadata = html_meta::extract(&doc, url);
    // Figures' captions and page furniture go before Readability scores the page.
    let clutter: Vec<NodeRef> = doc.select("body *").nodes().iter().filter(|n| is_clutter(n)).cloned().collect();
    for node in clutter.iter().rev() {
        node.remove_from_parent();
    }
    let body = article_body(doc, &html, url)?.ok_or(HtmlError::NoText)?;
    let mut text = body;
    if let Some(title) = &metadata.title {
        let first = text.split("\n\n").next().unwrap_or("");
        if normalize_words(first) != normalize_words(title) {
            text = if text.is_empty() { title.clone() } else { format!("{title}\n\n{text}") };
        }
    }
    if text.trim().is_empty() {
        return Err(HtmlError::NoText);
    }
    if metadata.direction.is_none() {
        metadata.direction = Some(html_meta::direction_of_text(&text).to_owned());
    }
    Ok(Article { text, metadata })
}

fn normalize_words(text: &str) -> String {
    super::score::words(text).join(" ")
}

/// The article's text by Readability, or the text of the page's main part when Readability
/// finds no article (a short page).
fn article_body(doc: Document, html: &str, url: Option<&str>) -> Result<Option<String>, HtmlError> {
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let config = dom_smoothie::Config { max_elements_to_parse: MAX_ELEMENTS, ..Default::default() };
    let content = match dom_smoothie::Readability::with_document(doc, url, Some(config)) {
        Ok(mut readable) => match readable.parse() {
            Ok(article) => Some(article.content.to_string()),
            Err(dom_smoothie::ReadabilityError::TooManyElements(found, _)) => {
                return Err(HtmlError::TooManyElements(found));
            }
            Err(_) => None,
        },
        Err(_) => None,
    };
    let text = content.map(|html| content_text(&html)).filter(|t| !t.trim().is_empty());
    if text.is_some() {
        return Ok(text);
    }
    // Readability changed the document while trying: read the page again (rare: short pages).
    let fallback_doc = Document::from(html);
    let main = fallback_doc.select("article, main, [role=main]");
    let Some(node) = main.nodes().first().cloned().or_else(|| fallback_doc.select("body").nodes().first().cloned())
    else {
        return Ok(None);
    };
    Ok(Some(node_text(&node)).filter(|t| !t.trim().is_empty()))
}

/// Removes what no reader sees before the page is parsed, which is most of a modern page's bytes:
/// scripts (except JSON-LD, which holds metadata), styles, inline SVG and comments. The cuts
/// follow the HTML tokenizer's own rules (a script ends at the first `</script`, a comment at
/// `-->`), so the parse of what remains is the same.
pub fn strip_unread(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    let mut copied = 0;
    let mut i = 0;
    let starts_with_ci =
        |at: usize, word: &[u8]| bytes.get(at..at + word.len()).is_some_and(|b| b.eq_ignore_ascii_case(word));
    let find_ci = |from: usize, word: &[u8]| -> Option<usize> {
        let mut at = from;
        while let Some(offset) = bytes.get(at..)?.iter().position(|&b| b == b'<') {
            at += offset;
            if starts_with_ci(at, word) {
                return Some(at);
            }
            at += 1;
        }
        None
    };
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + offset;
        let cut = if bytes[at..].starts_with(b"<!--") {
            // A comment: to its end, or to the end of the page.
            let end = html[at + 4..].find("-->").map_or(bytes.len(), |e| at + 4 + e + 3);
            Some(end)
        } else {
            let mut cut = None;
            for (open, close) in [(&b"<script"[..], &b"</script"[..]), (b"<style", b"</style"), (b"<svg", b"</svg")] {
                let boundary =
                    bytes.get(at + open.len()).is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
                if starts_with_ci(at, open) && boundary {
                    let tag_end = bytes[at..].iter().position(|&b| b == b'>').map_or(bytes.len(), |e| at + e + 1);
                    let tag = &html[at..tag_end];
                    if open == b"<script" && tag.to_ascii_lowercase().contains("ld+json") {
                        break;
                    }
                    let end = find_ci(tag_end, close)
                        .map(|c| bytes[c..].iter().position(|&b| b == b'>').map_or(bytes.len(), |e| c + e + 1))
                        .unwrap_or(bytes.len());
                    cut = Some(end);
                    break;
                }
            }
            cut
        };
        match cut {
            Some(end) => {
                out.push_str(&html[copied..at]);
                copied = end;
                i = end;
            }
            None => i = at + 1,
        }
        if i >= bytes.len() {
            break;
        }
    }
    out.push_str(&html[copied.min(html.len())..]);
    out
}

/// Readability's content HTML as text, without the furniture it sometimes keeps.
fn content_text(html: &str) -> String {
    let doc = Document::fragment(html);
    let mut builder = TextBuilder::new();
    append_node(&doc.root(), &mut builder, &is_clutter);
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_without_furniture() {
        let paragraph = "Müller said the 👨‍👩‍👧 family found شبکه‌های اجتماعی and 社交媒体 useful, according to a long study \
                         that was published this week by researchers who spent years on it. ";
        let html = format!(
            "<html lang=en><head><title>Big study | Example News</title><meta property='og:site_name' content='Example News'></head>\
             <body><nav><a href=/>Home</a><a href=/world>World</a></nav>\
             <article><h1>Big study</h1><div class='share-buttons'><a>Share on Facebook</a><a>Tweet</a></div>\
             <p>{p}</p><figure><img src=a.jpg><figcaption>Photo: Agency</figcaption></figure><p>{p}</p>\
             <blockquote><p>A quote that matters.</p></blockquote><ul><li>First point</li><li>Second point</li></ul>\
             <p>{p}</p><div class='related-articles'><h3>Related</h3><a href=/x>Another story</a></div></article>\
             <div id='comments'><p>Great article!</p></div><footer>Copyright</footer></body></html>",
            p = paragraph
        );
        let article = extract(&html, None).unwrap();
        let p = paragraph.trim();
        assert_eq!(
            article.text,
            format!("Big study\n\n{p}\n\n{p}\n\nA quote that matters.\n\nFirst point\nSecond point\n\n{p}")
        );
        assert_eq!(article.metadata.title.as_deref(), Some("Big study"));
        assert_eq!(article.metadata.site_name.as_deref(), Some("Example News"));
    }

    #[test]
    fn scripts_styles_svg_and_comments_are_cut_before_parsing() {
        let html = "<p>a</p><SCRIPT src=x>if (a<b) document.write('<p>no</p>')</script ><p>b<!-- <p>c</p> --></p>\
                    <style>p{}</style><svg viewBox='0 0'><text>chart</text></svg><svgx>kept</svgx>\
                    <script type=\"application/ld+json\">{\"headline\": \"H\"}</script><p>Müller 🎉</p><!-- open";
        assert_eq!(
            strip_unread(html),
            "<p>a</p><p>b</p><svgx>kept</svgx><script type=\"application/ld+json\">{\"headline\": \"H\"}</script><p>Müller 🎉</p>"
        );
        assert_eq!(strip_unread("<scrip"), "<scrip");
        assert_eq!(strip_unread("<script>unclosed"), "");
    }

    #[test]
    fn markup_without_text_is_an_error() {
        assert_eq!(extract("<html><script>x()</script></html>", None), Err(HtmlError::NoText));
    }

    #[test]
    fn malformed_html_still_gives_its_text() {
        let article = extract("<p>Unclosed <b>bold <i>and <p>second</div></span> paragraph", None).unwrap();
        assert!(article.text.contains("Unclosed bold and"), "{}", article.text);
        assert!(article.text.contains("second paragraph"), "{}", article.text);
    }
}
