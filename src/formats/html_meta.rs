//! A page's metadata: title, authors, outlet, publication date, canonical URL, language and text
//! direction, from JSON-LD (`NewsArticle` and kin), `<meta>` tags (Open Graph, Dublin Core,
//! `article:*`, `author`, `date`…), `<time>`, byline elements and visible dates. Each field takes
//! the first source that gives a usable value, in an order that prefers what publishers write for
//! machines over what is guessed from the page.

use std::collections::HashMap;

use dom_query::{Document, NodeRef};
use serde_json::Value as Json;

use super::dates::{self, PageDate};
use super::html_text::node_text;

/// What a page says about itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageMetadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// Outlet or site name.
    pub site_name: Option<String>,
    pub published: Option<PageDate>,
    pub canonical_url: Option<String>,
    /// BCP 47 language tag as the page gives it (`en-US`, `fa`).
    pub language: Option<String>,
    /// `ltr` or `rtl`.
    pub direction: Option<String>,
    pub description: Option<String>,
}

/// JSON-LD fields of the page's article object.
#[derive(Default, Debug)]
struct LinkedData {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    publisher: Option<String>,
    language: Option<String>,
    url: Option<String>,
    description: Option<String>,
}

/// Reads the metadata of a parsed page. `url` is where it was fetched from, if known.
pub fn extract(doc: &Document, url: Option<&str>) -> PageMetadata {
    let metas = meta_tags(doc);
    let meta = |names: &[&str]| -> Option<String> {
        names.iter().find_map(|name| metas.get(*name).map(|v| clean_space(v)).filter(|v| !v.is_empty()))
    };
    let linked = linked_data(doc);

    let site_name = linked
        .publisher
        .clone()
        .or_else(|| meta(&["og:site_name", "application-name", "al:android:app_name", "cxenseparse:recs:publisher"]))
        .filter(|s| !looks_like_url(s));
    let authors = authors(doc, &metas, &linked, site_name.as_deref());
    let title = title(doc, &metas, &linked, site_name.as_deref(), &authors);

    let published = linked
        .published
        .as_deref()
        .and_then(dates::parse_date)
        .or_else(|| {
            [
                "article:published_time",
                "article:published",
                "og:published_time",
                "published_time",
                "datepublished",
                "pubdate",
                "publishdate",
                "publish-date",
                "publication_date",
                "dc.date.issued",
                "dcterms.issued",
                "dc.date",
                "dcterms.date",
                "dc.date.created",
                "dcterms.created",
                "citation_publication_date",
                "sailthru.date",
                "parsely-pub-date",
                "date",
                "pdate",
                "displaydate",
                "og:article:published_time",
            ]
            .iter()
            .find_map(|name| metas.get(*name).and_then(|v| dates::parse_date(v)))
        })
        .or_else(|| time_element(doc))
        .or_else(|| visible_date(doc));

    let canonical_url = doc
        .select("link[rel~=canonical]")
        .attr("href")
        .map(|h| h.trim().to_owned())
        .filter(|h| h.starts_with("http"))
        .or_else(|| meta(&["og:url"]).filter(|u| u.starts_with("http")))
        .or_else(|| linked.url.clone().filter(|u| u.starts_with("http")))
        .or_else(|| url.map(str::to_owned));
    // Last resorts for the date: the page's address (`/2015/02/01/`), then its title ("… - 07.12.2017").
    let published = published
        .or_else(|| canonical_url.as_deref().and_then(date_in_url))
        .or_else(|| url.and_then(date_in_url))
        .or_else(|| {
            let head_title = doc.select("head title").text().to_string();
            [meta(&["og:title"]), meta(&["title"]), Some(head_title)]
                .into_iter()
                .flatten()
                .find_map(|t| dates::find_date(&dates::ascii_digits(&t)).map(|(_, date)| date))
        });

    let html = doc.select("html");
    let language = html
        .attr("lang")
        .or_else(|| html.attr("xml:lang"))
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .or_else(|| meta(&["content-language", "dc.language", "language"]))
        .or_else(|| linked.language.clone())
        .or_else(|| meta(&["og:locale"]).map(|l| l.replace('_', "-")));

    let direction = ["html", "body"]
        .iter()
        .find_map(|sel| {
            doc.select(sel).attr("dir").map(|d| d.trim().to_ascii_lowercase()).filter(|d| d == "rtl" || d == "ltr")
        })
        .or_else(|| language.as_deref().map(direction_of_language).map(str::to_owned));

    let description =
        linked.description.clone().or_else(|| meta(&["description", "og:description", "twitter:description"]));

    PageMetadata { title, authors, site_name, published, canonical_url, language, direction, description }
}

/// `rtl` for languages written right to left, else `ltr`.
pub fn direction_of_language(language: &str) -> &'static str {
    let primary = language.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    if matches!(primary.as_str(), "ar" | "fa" | "he" | "iw" | "ur" | "ps" | "sd" | "ug" | "yi" | "ckb" | "dv" | "ku") {
        "rtl"
    } else {
        "ltr"
    }
}

/// `rtl` when most letters of a text are Arabic-script or Hebrew, else `ltr`.
pub fn direction_of_text(text: &str) -> &'static str {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    for ch in text.chars().take(20_000) {
        match ch as u32 {
            0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF => rtl += 1,
            _ if ch.is_alphabetic() => ltr += 1,
            _ => {}
        }
    }
    if rtl > ltr { "rtl" } else { "ltr" }
}

/// `<meta>` values by lowercased `name`, `property`, `itemprop` or `http-equiv` (first wins).
fn meta_tags(doc: &Document) -> HashMap<String, String> {
    let mut metas = HashMap::new();
    for node in doc.select("meta").nodes() {
        let Some(content) = node.attr("content") else { continue };
        for key in ["name", "property", "itemprop", "http-equiv"] {
            if let Some(names) = node.attr(key) {
                // `property` may hold several names separated by spaces.
                for name in names.split_whitespace() {
                    metas.entry(name.to_ascii_lowercase()).or_insert_with(|| content.to_string());
                }
            }
        }
    }
    metas
}

fn clean_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn looks_like_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://") || text.starts_with("www.")
}

/// The article object of the page's JSON-LD, if any.
fn linked_data(doc: &Document) -> LinkedData {
    let mut found = LinkedData::default();
    for node in doc.select("script[type]").nodes() {
        let kind = node.attr("type").map(|t| t.to_ascii_lowercase()).unwrap_or_default();
        if !kind.contains("ld+json") {
            continue;
        }
        let text = node.text();
        let text = text.trim().trim_start_matches("<![CDATA[").trim_end_matches("]]>").trim();
        let Ok(value) = serde_json::from_str::<Json>(text) else { continue };
        let mut objects = Vec::new();
        collect_objects(&value, &mut objects, 0);
        let Some(article) = objects.iter().find(|o| is_article(o)).or_else(|| objects.iter().find(|o| has_headline(o)))
        else {
            continue;
        };
        found.headline = string_of(article.get("headline")).or_else(|| string_of(article.get("name")));
        found.authors = people(article.get("author").or_else(|| article.get("creator")));
        found.published = string_of(article.get("datePublished")).or_else(|| string_of(article.get("dateCreated")));
        found.publisher = article.get("publisher").and_then(|p| match p {
            Json::Object(_) => string_of(p.get("name")),
            Json::Array(list) => list.first().and_then(|p| string_of(p.get("name"))),
            other => string_of(Some(other)),
        });
        found.language = string_of(article.get("inLanguage"));
        found.url = string_of(article.get("url")).or_else(|| match article.get("mainEntityOfPage") {
            Some(Json::Object(o)) => string_of(o.get("@id")),
            other => string_of(other),
        });
        found.description = string_of(article.get("description"));
        break;
    }
    found
}

fn collect_objects<'a>(value: &'a Json, out: &mut Vec<&'a serde_json::Map<String, Json>>, depth: usize) {
    if depth > 8 {
        return;
    }
    match value {
        Json::Array(items) => items.iter().for_each(|v| collect_objects(v, out, depth + 1)),
        Json::Object(map) => {
            out.push(map);
            if let Some(graph) = map.get("@graph") {
                collect_objects(graph, out, depth + 1);
            }
            if let Some(main) = map.get("mainEntity") {
                collect_objects(main, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn is_article(object: &serde_json::Map<String, Json>) -> bool {
    let types: Vec<&str> = match object.get("@type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(list)) => list.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    types.iter().any(|t| t.ends_with("Article") || matches!(*t, "BlogPosting" | "LiveBlogPosting" | "Report"))
}

fn has_headline(object: &serde_json::Map<String, Json>) -> bool {
    object.contains_key("headline")
}

fn string_of(value: Option<&Json>) -> Option<String> {
    match value? {
        Json::String(s) => Some(clean_space(&decode_entities(s))).filter(|s| !s.is_empty()),
        Json::Array(list) => list.iter().find_map(|v| string_of(Some(v))),
        Json::Object(o) => string_of(o.get("@value")),
        _ => None,
    }
}

/// JSON-LD sometimes carries HTML entities (`&amp;`, `&#8217;`) inside strings.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let doc = Document::fragment(format!("<p>{}</p>", text.replace('<', "&lt;")));
    doc.select("p").text().to_string()
}

fn people(value: Option<&Json>) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |name: Option<String>| {
        if let Some(name) = name.map(|n| clean_author(&n)).filter(|n| !n.is_empty() && !looks_like_url(n))
            && !out.contains(&name)
        {
            out.push(name);
        }
    };
    match value {
        Some(Json::Array(list)) => {
            for item in list {
                match item {
                    Json::Object(o) => push(string_of(o.get("name"))),
                    other => push(string_of(Some(other))),
                }
            }
        }
        Some(Json::Object(o)) => push(string_of(o.get("name"))),
        Some(other) => push(string_of(Some(other))),
        None => {}
    }
    out
}

/// Removes "By", trailing dates and roles from a byline: "By Jane Doe, Staff Writer | May 2, 2020".
pub fn clean_author(raw: &str) -> String {
    let mut text = clean_space(raw);
    for prefix in ["written by ", "by ", "von ", "por ", "par ", "di ", "door ", "av ", "de ", "from "] {
        if text.len() > prefix.len() && text.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix)) {
            text = text[prefix.len()..].to_owned();
            break;
        }
    }
    // Chinese, Arabic and Persian byline words ("作者：", "记者 ", "بقلم", "نویسنده:").
    for prefix in
        ["作者", "记者", "記者", "文/", "文／", "撰文", "بقلم", "كتب", "كتبت", "نویسنده", "نوشته", "خبرنگار", "گزارش"]
    {
        if let Some(rest) = text.strip_prefix(prefix) {
            let rest = rest.trim_start_matches([':', '：', ' ', '|', '/']);
            if !rest.is_empty() {
                text = rest.to_owned();
                break;
            }
        }
    }
    // A date or a separator after the name ends it.
    let digits = dates::ascii_digits(&text);
    if let Some((range, _)) = dates::find_date(&digits)
        && range.start > 0
        && digits.len() == text.len()
    {
        text.truncate(range.start);
    }
    // Names have no digits: a comment count or a date glued to the name ("Nolan22 Dec") ends it.
    if let Some(at) = text.find(|c: char| c.is_ascii_digit())
        && at > 0
        && text[..at].split_whitespace().count() >= 2
    {
        text.truncate(at);
    }
    for separator in [" | ", " - ", " — ", " – ", "|", "\n"] {
        if let Some(at) = text.find(separator)
            && at > 0
        {
            text.truncate(at);
        }
    }
    let text = text.trim().trim_end_matches([',', ';', ':', '·', '•']).trim();
    // A name is short; a sentence is not a byline.
    if text.split_whitespace().count() > 12 { String::new() } else { text.to_owned() }
}

fn authors(
    doc: &Document,
    metas: &HashMap<String, String>,
    linked: &LinkedData,
    site_name: Option<&str>,
) -> Vec<String> {
    let acceptable = |name: &String| {
        !name.is_empty()
            && !looks_like_url(name)
            && !name.contains('@')
            && site_name.is_none_or(|site| !name.eq_ignore_ascii_case(site))
            && name.chars().any(char::is_alphabetic)
    };
    let from_linked: Vec<String> = linked.authors.iter().filter(|a| acceptable(a)).cloned().collect();
    if !from_linked.is_empty() {
        return from_linked;
    }
    for name in [
        "author",
        "article:author",
        "og:article:author",
        "dc.creator",
        "dcterms.creator",
        "citation_author",
        "parsely-author",
        "sailthru.author",
        "byl",
        "twitter:creator:name",
    ] {
        if let Some(value) = metas.get(name) {
            let cleaned = clean_author(value);
            if acceptable(&cleaned) {
                return vec![cleaned];
            }
        }
    }
    // Marked-up bylines in the page.
    for selector in [
        "[itemprop~=author] [itemprop~=name]",
        "[itemprop~=author]",
        "a[rel~=author]",
        "[rel~=author]",
        ".byline__name, .byline-name, .author-name, .author__name",
        "[class*=byline], [id*=byline]",
        "[class~=author], [class*=article-author], [class*=story-author]",
    ] {
        let mut names = Vec::new();
        for node in doc.select(selector).nodes() {
            let raw = node.attr("content").map(|c| c.to_string()).unwrap_or_else(|| node_text(node));
            let name = clean_author(&raw);
            if acceptable(&name) && name.chars().count() <= 100 && !names.contains(&name) {
                names.push(name);
            }
            if names.len() >= 4 {
                break;
            }
        }
        if !names.is_empty() {
            // Several elements often repeat one byline (header and footer): keep distinct names only.
            names.dedup();
            return names;
        }
    }
    Vec::new()
}

/// Separators between a headline and the site name in `<title>`.
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " » ", " « ", " · ", " / ", " • "];

fn normalized(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '‘' | '’' | '`' | '´' => '\'',
            '“' | '”' | '«' | '»' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Removes a trailing (or leading) " | Site name" part when it names the site, an author or is
/// much shorter than the headline.
pub fn strip_site_suffix(title: &str, site_name: Option<&str>, authors: &[String]) -> String {
    let mut title = clean_space(title);
    for _ in 0..2 {
        let mut changed = false;
        for separator in TITLE_SEPARATORS {
            if let Some(at) = title.rfind(separator) {
                let (head, tail) = (&title[..at], &title[at + separator.len()..]);
                let tail_norm = normalized(tail);
                let names_site = site_name.is_some_and(|s| {
                    let site = normalized(s);
                    tail_norm == site || tail_norm.contains(&site) || site.contains(&tail_norm)
                });
                let names_author = authors.iter().any(|a| normalized(a) == tail_norm);
                if (names_site || names_author) && head.split_whitespace().count() >= 2 {
                    title = head.trim().to_owned();
                    changed = true;
                    break;
                }
            }
            if let Some(at) = title.find(separator) {
                let (head, tail) = (&title[..at], &title[at + separator.len()..]);
                let names_site = site_name.is_some_and(|s| normalized(s) == normalized(head));
                if names_site && tail.split_whitespace().count() >= 2 {
                    title = tail.trim().to_owned();
                    changed = true;
                    break;
                }
            }
        }
        if !changed {
            break;
        }
    }
    title
}

fn title(
    doc: &Document,
    metas: &HashMap<String, String>,
    linked: &LinkedData,
    site_name: Option<&str>,
    authors: &[String],
) -> Option<String> {
    let meta = |name: &str| metas.get(name).map(|v| clean_space(v)).filter(|v| !v.is_empty());
    let document_title = clean_space(&doc.select("head title").text()).trim().to_owned();
    let candidates: Vec<String> = [
        linked.headline.clone(),
        meta("og:title"),
        meta("twitter:title"),
        meta("dc.title"),
        meta("title"),
        meta("sailthru.title"),
        meta("parsely-title"),
        Some(document_title.clone()).filter(|t| !t.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The visible headline: an <h1> (or a heading marked as the headline) whose text a
    // machine-written title contains.
    let headings: Vec<String> = doc
        .select("h1, [itemprop~=headline], h2")
        .nodes()
        .iter()
        .take(40)
        .map(|n| clean_space(&node_text(n)))
        .filter(|t| t.split_whitespace().count() >= 2 || t.chars().count() >= 6)
        .collect();
    // In the order the candidates are trusted: a heading equal to the candidate, contained in
    // it (most of it), or equal to one of its " | "-separated parts.
    for candidate in &candidates {
        let candidate_norm = normalized(candidate);
        // Chinese and other sites join the parts without spaces ("标题_网易新闻", "標題｜聯合新聞網").
        let parts: Vec<String> = TITLE_SEPARATORS
            .iter()
            .copied()
            .chain(["_", "|", "｜", "-", "–", "—", "：", "——"])
            .flat_map(|sep| candidate.split(sep).map(normalized).collect::<Vec<_>>())
            .collect();
        for heading in &headings {
            let heading_norm = normalized(heading);
            if heading_norm == candidate_norm
                || (candidate_norm.contains(&heading_norm) && heading_norm.len() * 2 >= candidate_norm.len())
                || parts.contains(&heading_norm)
            {
                return Some(heading.clone());
            }
        }
    }
    candidates.first().map(|t| strip_site_suffix(t, site_name, authors)).or_else(|| headings.first().cloned())
}

fn time_element(doc: &Document) -> Option<PageDate> {
    for selector in [
        "time[itemprop~=datePublished]",
        "[itemprop~=datePublished]",
        "time[pubdate]",
        "article time[datetime], header time[datetime], main time[datetime]",
        "time[datetime]",
    ] {
        for node in doc.select(selector).nodes().iter().take(5) {
            let raw = node
                .attr("datetime")
                .or_else(|| node.attr("content"))
                .map(|v| v.to_string())
                .unwrap_or_else(|| node_text(node));
            if let Some(date) = dates::parse_date(&raw) {
                return Some(date);
            }
        }
    }
    None
}

/// A date written near the headline: in the short lines (bylines, datelines) just before and
/// after the first `<h1>`, before the first paragraph of running text. Tables (infoboxes) and
/// figures are not datelines.
fn visible_date(doc: &Document) -> Option<PageDate> {
    let heading = doc.select("h1").nodes().first().cloned()?;
    let skip = |node: &NodeRef| {
        node.node_name().is_some_and(|n| {
            matches!(n.to_ascii_lowercase().as_str(), "table" | "figure" | "aside" | "nav" | "ul" | "ol")
        })
    };
    let text_of = |node: &NodeRef| {
        let mut builder = super::html_text::TextBuilder::new();
        super::html_text::append_node(node, &mut builder, &skip);
        builder.finish()
    };
    let mut lines: Vec<String> = Vec::new();
    // Up to three elements before the headline (a dateline above it).
    let mut before = Vec::new();
    let mut sibling = heading.prev_sibling();
    while let Some(s) = sibling {
        if s.is_element() && !skip(&s) {
            before.push(text_of(&s));
            if before.len() >= 3 {
                break;
            }
        }
        sibling = s.prev_sibling();
    }
    for text in before.iter().rev() {
        lines.extend(text.lines().map(str::to_owned));
    }
    // Then forward from the headline through following elements, up the tree.
    let mut node: Option<NodeRef> = Some(heading);
    let mut steps = 0;
    let mut length = 0;
    'walk: while let Some(current) = node {
        let mut sibling = current.next_sibling();
        while let Some(s) = sibling {
            if !skip(&s) {
                let text = text_of(&s);
                length += text.len();
                lines.extend(text.lines().map(str::to_owned));
                if length > 3000 {
                    break 'walk;
                }
            }
            sibling = s.next_sibling();
        }
        if steps > 6 {
            break;
        }
        node = current.parent();
        steps += 1;
    }
    for line in lines.iter().filter(|l| !l.trim().is_empty()).take(20) {
        if line.split_whitespace().count() >= 20 {
            break;
        }
        if let Some((_, date)) = dates::find_date(&dates::ascii_digits(line)) {
            return Some(date);
        }
    }
    None
}

/// `/2019/01/03/` in a URL.
fn date_in_url(url: &str) -> Option<PageDate> {
    let parts: Vec<&str> = url.split('/').collect();
    parts.windows(3).find_map(|w| {
        let year: i32 = w[0].parse().ok().filter(|y| (1990..=2200).contains(y))?;
        let month: u32 = w[1].parse().ok()?;
        let day: u32 = w[2].get(..2).and_then(|d| d.parse().ok())?;
        if w[1].len() != 2 {
            return None;
        }
        chrono::NaiveDate::from_ymd_opt(year, month, day).map(|date| PageDate { date, time: None, offset: None })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta_of(html: &str) -> PageMetadata {
        extract(&Document::from(html), None)
    }

    #[test]
    fn json_ld_news_article_wins() {
        let html = r#"<html lang="fa"><head><title>خبر | سایت</title>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
            {"@type":"NewsArticle","headline":"شبکه‌های اجتماعی و امنیت","author":[{"@type":"Person","name":"بهنام قلی‌پور"}],
             "datePublished":"2020-12-18T10:00:00+03:30","publisher":{"@type":"Organization","name":"ایران‌وایر"}}]}</script>
            <meta name="author" content="Someone Else"></head><body><p>متن</p></body></html>"#;
        let meta = meta_of(html);
        assert_eq!(meta.title.as_deref(), Some("شبکه‌های اجتماعی و امنیت"));
        assert_eq!(meta.authors, ["بهنام قلی‌پور"]);
        assert_eq!(meta.site_name.as_deref(), Some("ایران‌وایر"));
        assert_eq!(meta.published.unwrap().to_iso(), "2020-12-18T10:00:00+03:30");
        assert_eq!(meta.direction.as_deref(), Some("rtl"));
        assert_eq!(meta.language.as_deref(), Some("fa"));
    }

    #[test]
    fn meta_tags_title_suffix_and_visible_date() {
        let html = r#"<html><head><title>Official Study Reveals Fear | IranWire</title>
            <meta property="og:site_name" content="IranWire"><link rel="canonical" href="https://iranwire.com/en/a/1">
            </head><body><nav>Home</nav><h1>Official Study Reveals Fear</h1><div class="meta">
            <span class="byline">By Behnam Gholipour</span> <span>December 18, 2020</span></div><p>Text.</p></body></html>"#;
        let meta = meta_of(html);
        assert_eq!(meta.title.as_deref(), Some("Official Study Reveals Fear"));
        assert_eq!(meta.authors, ["Behnam Gholipour"]);
        assert_eq!(meta.published.unwrap().to_iso(), "2020-12-18");
        assert_eq!(meta.canonical_url.as_deref(), Some("https://iranwire.com/en/a/1"));
        // No `dir` or `lang`: the article's text decides (in `html::extract`).
        assert_eq!(meta.direction, None);
    }

    #[test]
    fn site_suffix_is_stripped_only_when_it_names_the_site_or_author() {
        assert_eq!(strip_site_suffix("Mozilla - Wikipedia", Some("Wikipedia"), &[]), "Mozilla - Wikipedia");
        assert_eq!(strip_site_suffix("Big news today - Wikipedia", Some("Wikipedia"), &[]), "Big news today");
        assert_eq!(strip_site_suffix("Left - Right", None, &[]), "Left - Right");
        assert_eq!(strip_site_suffix("A whale story | Eleanor Roy", None, &["Eleanor Roy".into()]), "A whale story");
    }

    #[test]
    fn chinese_title_suffix_without_spaces() {
        let html = r#"<html lang="zh-CN"><head><title>社交媒体影响国家安全_网易新闻</title>
            <meta name="author" content="作者：张三"><meta name="publishdate" content="2020年12月18日 10:30"></head>
            <body><h1>社交媒体影响国家安全</h1><p>正文。</p></body></html>"#;
        let meta = meta_of(html);
        assert_eq!(meta.title.as_deref(), Some("社交媒体影响国家安全"));
        assert_eq!(meta.authors, ["张三"]);
        assert_eq!(meta.published.unwrap().to_iso(), "2020-12-18T10:30:00");
    }

    #[test]
    fn bylines_are_cleaned() {
        assert_eq!(clean_author("By Jane Doe, Staff Writer"), "Jane Doe, Staff Writer");
        assert_eq!(clean_author("by Lucas Nolan 22 Dec 2016"), "Lucas Nolan");
        assert_eq!(clean_author("Jane Doe | Reuters"), "Jane Doe");
        assert_eq!(clean_author("作者：张三"), "张三");
        assert_eq!(clean_author("نویسنده: بهنام قلی‌پور"), "بهنام قلی‌پور");
    }
}
