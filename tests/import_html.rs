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
    Truth {
        page: "ars-1",
        title: &["Just-released Minecraft exploit makes it easy to crash game servers"],
        author: &["Dan Goodin"],
        date: Some("2015-04-16"),
    },
    Truth {
        page: "breitbart",
        title: &["'Neutral' Snopes Fact-Checker David Emery: 'Are There Any Un-Angry Trump Supporters?'"],
        author: &["Lucas Nolan"],
        date: Some("2016-12-22"),
    },
    Truth {
        page: "citylab-1",
        title: &["Why Neon Is the Ultimate Symbol of the 20th Century", "The Modern Ambitions Behind Neon"],
        author: &["Sarah Archer"],
        date: Some("2019-04-30"),
    },
    Truth {
        page: "cnn",
        title: &["The 'birth lottery' and economic mobility"],
        author: &["Ahiza Garcia"],
        date: Some("2016-02-01"),
    },
    Truth {
        page: "folha",
        title: &["Tite diz que errou ao levar taça da Libertadores a Lula em 2012"],
        author: &["Bruno (Henrique Zecchin) Rodrigues"],
        date: Some("2018-12-21"),
    },
    Truth {
        page: "guardian-1",
        title: &["'What is the sea telling us?': Māori tribes fearful over whale strandings"],
        author: &["Eleanor Ainge Roy"],
        date: Some("2019-01-03"),
    },
    Truth {
        page: "heise",
        title: &["1Password für Mac generiert Einmal-Passwörter"],
        author: &["Ben Schwan"],
        date: Some("2015-04-08"),
    },
    Truth {
        page: "la-nacion",
        title: &["Una solución no violenta para la cuestión mapuche"],
        author: &[],
        date: Some("2017-12-07"),
    },
    Truth {
        page: "lemonde-1",
        title: &["Le projet de loi sur le renseignement massivement approuvé à l'Assemblée"],
        author: &["Martin Untersinger (avec Damien Leloup et Morgane Tual)", "Martin Untersinger"],
        date: Some("2015-05-04"),
    },
    Truth {
        page: "nytimes-2",
        title: &["Yahoo’s Sale to Verizon Leaves Shareholders With Little Say"],
        author: &["Steven Davidoff Solomon"],
        date: Some("2016-07-29"),
    },
    Truth { page: "rtl-1", title: &["RTL Test"], author: &[], date: None },
    Truth {
        page: "salon-1",
        title: &["The sharing economy is a lie: Uber, Ayn Rand and the truth about tech and libertarians"],
        author: &["Richard (R.J.) Eskow"],
        date: Some("2015-02-01"),
    },
    Truth {
        page: "seattletimes-1",
        title: &[
            "Alaskan halibut, caught by a century-old Seattle boat, provides a glimpse of Amazon’s strategy with Whole Foods",
        ],
        author: &["Benjamin Romano"],
        date: Some("2019-04-28"),
    },
    Truth { page: "wikipedia", title: &["Mozilla"], author: &[], date: None },
];

struct Row {
    page: String,
    score: WordScore,
    title: (String, bool),
    author: (String, bool),
    date: (String, bool),
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
        let (reference, _) = reference_text(&dir);
        let score = word_score(&article.text, &reference);
        let title = article.metadata.title.clone().unwrap_or_default();
        let author = article.metadata.authors.join("; ");
        let date = article.metadata.published.map(|d| d.to_iso()).unwrap_or_default();
        let title_right = truth.title.iter().any(|t| same_text(&title, t));
        let author_right = if truth.author.is_empty() {
            author.is_empty()
        } else {
            truth.author.iter().any(|a| same_text(&author, a))
        };
        let date_right = match truth.date {
            None => date.is_empty(),
            Some(d) => date.starts_with(d),
        };
        rows.push(Row {
            page: truth.page.to_owned(),
            score,
            title: (title, title_right),
            author: (author, author_right),
            date: (date, date_right),
        });
    }
    rows
}

fn cell(value: &str, right: bool) -> String {
    let shown = if value.is_empty() { "(none)".to_owned() } else { value.replace('|', "\\|") };
    let shown: String =
        if shown.chars().count() > 48 { format!("{}…", shown.chars().take(47).collect::<String>()) } else { shown };
    format!("{} {shown}", if right { "✓" } else { "✗" })
}

/// Agreement with Readability's own metadata: the same title (once a " - Site" part is put
/// aside), the same byline words, the same calendar date (both missing counts as agreeing).
fn agrees(row: &Row, meta: &serde_json::Value) -> (bool, bool, bool) {
    let theirs = |key: &str| meta[key].as_str().unwrap_or("").to_owned();
    let title = same_text(&row.title.0, &theirs("title"))
        || spanwise::formats::score::words(&theirs("title"))
            .starts_with(&spanwise::formats::score::words(&row.title.0))
            && !row.title.0.is_empty();
    let author = same_text(&row.author.0, &theirs("byline"));
    let their_date = spanwise::formats::dates::parse_date(&theirs("publishedTime")).map(|d| d.date.to_string());
    let date = their_date.as_deref().unwrap_or("") == row.date.0.get(..10).unwrap_or("");
    (title, author, date)
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| page | words | precision | recall | F1 | title | author | date | agrees with Readability (title, author, date) |\n\
         |---|---:|---:|---:|---:|---|---|---|---|\n",
    );
    let mut agreement = [0usize; 3];
    for row in rows {
        let meta: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures_dir().join(&row.page).join("expected-metadata.json")).unwrap(),
        )
        .unwrap();
        let (t, a, d) = agrees(row, &meta);
        for (i, ok) in [t, a, d].into_iter().enumerate() {
            agreement[i] += usize::from(ok);
        }
        let yes = |b: bool| if b { "yes" } else { "no" };
        out.push_str(&format!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {}, {}, {} |\n",
            row.page,
            row.score.reference,
            row.score.precision,
            row.score.recall,
            row.score.f1,
            cell(&row.title.0, row.title.1),
            cell(&row.author.0, row.author.1),
            cell(&row.date.0, row.date.1),
            yes(t),
            yes(a),
            yes(d)
        ));
    }
    let n = rows.len() as f64;
    let mean = |f: &dyn Fn(&Row) -> f64| rows.iter().map(f).sum::<f64>() / n;
    let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    out.push_str(&format!(
        "| **mean** | | **{:.3}** | **{:.3}** | **{:.3}** | **{}/{}** right | **{}/{}** right | **{}/{}** right | {}, {}, {} of {} |\n",
        mean(&|r| r.score.precision),
        mean(&|r| r.score.recall),
        mean(&|r| r.score.f1),
        count(&|r| r.title.1),
        rows.len(),
        count(&|r| r.author.1),
        rows.len(),
        count(&|r| r.date.1),
        rows.len(),
        agreement[0],
        agreement[1],
        agreement[2],
        rows.len()
    ));
    out.push_str(&format!(
        "\nAll three of title, author and date right: {} of {} pages.\n",
        count(&|r| r.title.1 && r.author.1 && r.date.1),
        rows.len()
    ));
    out
}

const START: &str = "<!-- fixture-table:start (written by tests/import_html.rs) -->\n";
const END: &str = "<!-- fixture-table:end -->";

#[test]
fn fixture_pages_extract_like_readability_and_the_table_in_import_md_is_current() {
    let rows = rows();
    let mean_f1 = rows.iter().map(|r| r.score.f1).sum::<f64>() / rows.len() as f64;
    assert!(mean_f1 >= 0.97, "mean body F1 {mean_f1:.4} is below 0.97");
    for row in &rows {
        assert!(row.score.f1 >= 0.9, "{}: body F1 {:.3}", row.page, row.score.f1);
    }
    for (field, right) in [
        ("title", rows.iter().filter(|r| r.title.1).count()),
        ("author", rows.iter().filter(|r| r.author.1).count()),
        ("date", rows.iter().filter(|r| r.date.1).count()),
    ] {
        assert!(right * 10 >= rows.len() * 9, "{field} right for only {right} of {} pages", rows.len());
    }
    let table = table(&rows);
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/IMPORT.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let (Some(start), Some(end)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/IMPORT.md lacks the fixture-table markers");
    };
    let current = &doc[start + START.len()..end];
    if std::env::var_os("SPANWISE_UPDATE_DOCS").is_some() {
        let updated = format!("{}{START}{table}{}", &doc[..start], &doc[end..]);
        std::fs::write(&doc_path, updated).unwrap();
    } else {
        assert_eq!(
            current, table,
            "docs/IMPORT.md is out of date; run SPANWISE_UPDATE_DOCS=1 cargo test --test import_html"
        );
    }
}

#[test]
fn every_fixture_page_imports_through_import_path_with_its_metadata() {
    for truth in TRUTH {
        let path = fixtures_dir().join(truth.page).join("source.html");
        let doc = spanwise::formats::import_path(&path, "d1".into()).unwrap_or_else(|e| panic!("{e}"));
        assert!(doc.char_len() > 100, "{}", truth.page);
        assert_eq!(doc.metadata["format"], "html");
        assert!(
            truth.title.iter().any(|t| same_text(&doc.metadata["title"], t)),
            "{}: {}",
            truth.page,
            doc.metadata["title"]
        );
        assert!(doc.metadata.contains_key("direction"));
        // The headline opens the text, paragraphs are separated by blank lines.
        assert!(doc.text.starts_with(doc.metadata["title"].as_str()), "{}", truth.page);
        assert!(doc.text.contains("\n\n"), "{}", truth.page);
    }
    let rtl = spanwise::formats::import_path(&fixtures_dir().join("rtl-1/source.html"), "d1".into()).unwrap();
    assert_eq!(rtl.metadata["direction"], "rtl");
}
