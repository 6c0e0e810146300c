//! Importing real sources: the seed article's clean-up, Word and PDF files built here, corpora,
//! encodings, a folder of 1,000 files with progress and Cancel, a URL from a local server, and a
//! specific message for every kind of bad input.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use pdf_extract as lopdf;
use spanwise::formats::cleanup::{self, ProposalKind};
use spanwise::formats::import::{ImportOptions, ImportReport, Input, SkipReason, import_sources};
use spanwise::formats::{ImportError, archive::ArchiveError, pdf::PdfError};
use spanwise::model::{FieldDef, Project, Value, ValueKind};

fn shared() -> PathBuf {
    common::manifest_dir().join("../shared")
}

fn import(inputs: &[Input], options: &ImportOptions) -> ImportReport {
    import_sources(&Project::new("t"), inputs, options, &|_| ControlFlow::Continue(()))
}

fn import_paths(paths: &[&Path]) -> ImportReport {
    let inputs: Vec<Input> = paths.iter().map(|p| Input::Path(p.to_path_buf())).collect();
    import(&inputs, &ImportOptions::default())
}

fn only_error(report: &ImportReport) -> String {
    assert!(report.imported.is_empty(), "imported {:?}", report.imported.iter().map(|i| &i.source).collect::<Vec<_>>());
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    report.failed[0].1.to_string()
}

// ---------------------------------------------------------------------------------------------
// The seed: a web page saved as text with its clutter.

const SEED: &str = "seeds/000_7653fdbd5543f69c.txt";

/// The lines of the seed that are page clutter, not article (checked by reading the page).
const SEED_CLUTTER: &[&str] = &[
    "close button",
    "Switch to Iranwire Light?",
    "It looks like you’re having trouble loading the content on this page. Switch to Iranwire Light instead.",
    "Features",
    "December 18, 2020",
    "Behnam Gholipour",
    "5 min read",
    "***",
    "comments",
    "Tales of Rape and Sex Slaves in an Iranian Prison",
    "9 min read",
];

#[test]
fn the_seed_clean_up_removes_exactly_the_clutter() {
    let raw = std::fs::read_to_string(shared().join(SEED)).unwrap();
    let text = spanwise::formats::text::normalize(&raw);
    let plan = cleanup::plan(&text);
    let cleaned = plan.apply(&text);

    // What is removed: every clutter line, each teaser line's second copy, blank lines; no
    // line of the article.
    let mut removed_lines: Vec<&str> = Vec::new();
    for proposal in plan.proposals.iter().filter(|p| p.accepted) {
        removed_lines.extend(proposal.removed.lines().map(str::trim).filter(|l| !l.is_empty()));
    }
    for line in &removed_lines {
        let duplicate_teaser = text.matches(line).count() == 2 && cleaned.contains(line);
        assert!(SEED_CLUTTER.contains(line) || duplicate_teaser, "removed a line of the article: {line:?}");
    }
    for clutter in SEED_CLUTTER {
        assert!(!cleaned.lines().any(|l| l.trim() == *clutter), "kept {clutter:?}");
    }
    // The article is the hand-cleaned sample's body, exactly: from the first paragraph to the end.
    let hand = std::fs::read_to_string(common::sample_text_path()).unwrap();
    let body_start = "In a newly published study";
    let hand_body = hand[hand.find(body_start).unwrap()..].trim_end();
    // (The person who cleaned it by hand also typed the no-break spaces inside sentences as
    // spaces; clean-up removes lines, it never rewrites characters.)
    assert_eq!(cleaned[cleaned.find(body_start).unwrap()..].replace('\u{a0}', " "), hand_body);
    // Before it: the headline and the three teaser lines, once each (the hand-cleaned sample
    // keeps its byline in the text and shortened the teaser; here they are metadata and text).
    let teasers: Vec<&str> = text.lines().skip(10).take(6).step_by(2).collect();
    assert_eq!(
        &cleaned[..cleaned.find(body_start).unwrap()],
        format!("Official Study Reveals the Regime’s Fear of Social Media\n\n{}\n\n", teasers.join("\n"))
    );
    // Found in the clutter.
    assert_eq!(plan.found.title.as_deref(), Some("Official Study Reveals the Regime’s Fear of Social Media"));
    assert_eq!(plan.found.author.as_deref(), Some("Behnam Gholipour"));
    assert_eq!(plan.found.date.as_deref(), Some("2020-12-18"));
    // Each proposal says why and shows exactly what it removes.
    let kinds: Vec<&ProposalKind> = plan.proposals.iter().map(|p| &p.kind).collect();
    for kind in [
        ProposalKind::BeforeBody,
        ProposalKind::AfterBody,
        ProposalKind::Duplicate,
        ProposalKind::ReadingTime,
        ProposalKind::Date,
        ProposalKind::Author,
    ] {
        assert!(kinds.contains(&&kind), "no {kind:?} proposal: {kinds:?}");
    }
    let chars: Vec<char> = text.chars().collect();
    for proposal in &plan.proposals {
        assert_eq!(chars[proposal.range.clone()].iter().collect::<String>(), proposal.removed);
        assert!(!proposal.reason.is_empty());
    }
}

#[test]
fn the_seed_imports_clean_with_its_metadata() {
    let options = ImportOptions { clean: true, ..Default::default() };
    let report = import(&[Input::Path(shared().join(SEED))], &options);
    let doc = &report.imported[0].document;
    assert!(doc.text.starts_with("Official Study Reveals the Regime’s Fear of Social Media\n\nAccording"));
    assert!(doc.text.ends_with("the erosion of national security will continue."));
    assert_eq!(doc.metadata["author"], "Behnam Gholipour");
    assert_eq!(doc.metadata["date"], "2020-12-18");
    assert_eq!(doc.metadata["encoding"], "UTF-8");
    // Without --clean the text is kept as it is.
    let raw = import(&[Input::Path(shared().join(SEED))], &ImportOptions::default());
    assert!(raw.imported[0].document.text.starts_with("close button\n"));
}

// ---------------------------------------------------------------------------------------------
// DOCX and PDF built here.

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A Word document as Word writes it (reduced to what matters): styles, runs split mid-word,
/// a footnote, a tab, core properties.
fn docx(paragraphs: &[(&str, &str)], footnote: &str) -> Vec<u8> {
    let mut body = String::new();
    for (i, (style, text)) in paragraphs.iter().enumerate() {
        let style =
            if style.is_empty() { String::new() } else { format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>") };
        // Word splits runs anywhere; the text must come back whole.
        let (a, b) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i));
        let note = if i == 2 {
            "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"1\"/></w:r>"
        } else {
            ""
        };
        body.push_str(&format!(
            "<w:p>{style}<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>{note}</w:p>",
            escape_xml(a),
            escape_xml(b)
        ));
    }
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document {w}><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let footnotes = format!(
        "<w:footnotes {w}><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
         <w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>\
         <w:footnote w:id=\"1\"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> {}</w:t></w:r></w:p></w:footnote></w:footnotes>",
        escape_xml(footnote)
    );
    let core = "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
                xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\
                <dc:title>Fear of Social Media</dc:title><dc:creator>Behnam Gholipour</dc:creator>\
                <dcterms:created>2020-12-18T09:00:00Z</dcterms:created></cp:coreProperties>";
    zip_of(&[
        (
            "[Content_Types].xml",
            b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
        ),
        ("word/document.xml", document.as_bytes()),
        ("word/footnotes.xml", footnotes.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ])
}

#[test]
fn a_word_document_imports_with_headings_and_footnotes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.docx");
    std::fs::write(
        &path,
        docx(
            &[
                ("Title", "Fear of Social Media"),
                ("Heading1", "The Findings"),
                ("", "Müller said 🎉 the 👨‍👩‍👧 family & شبکه‌های اجتماعی and 社交媒体 matter."),
                ("ListParagraph", "A point in a list"),
            ],
            "Study of the trends, National Security quarterly, 2020.",
        ),
    )
    .unwrap();
    let report = import_paths(&[&path]);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let doc = &report.imported[0].document;
    assert_eq!(
        doc.text,
        "Fear of Social Media\n\nThe Findings\n\nMüller said 🎉 the 👨‍👩‍👧 family & شبکه‌های اجتماعی and 社交媒体 matter.[1]\n\n\
         A point in a list\n\n[1] Study of the trends, National Security quarterly, 2020."
    );
    assert_eq!(doc.metadata["title"], "Fear of Social Media");
    assert_eq!(doc.metadata["author"], "Behnam Gholipour");
    assert_eq!(doc.metadata["format"], "docx");
    // Offsets: an annotation over the Persian words covers exactly them.
    let start = doc.text.chars().position(|c| c == 'ش').unwrap();
    assert_eq!(doc.fragment(start..start + "شبکه‌های اجتماعی".chars().count()).unwrap().text, "شبکه‌های اجتماعی");
}

/// A PDF with a text layer in the standard Helvetica font: each page a list of (x, y, size, text),
/// y from the bottom as PDF counts.
fn pdf(pages: &[Vec<(f64, f64, f64, &str)>], info_title: Option<&str>) -> lopdf::Document {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for lines in pages {
        let mut operations = Vec::new();
        for (x, y, size, text) in lines {
            operations.push(Operation::new("BT", vec![]));
            operations.push(Operation::new("Tf", vec!["F1".into(), (*size).into()]));
            operations.push(Operation::new("Td", vec![(*x).into(), (*y).into()]));
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
            operations
                .push(Operation::new("Tj", vec![Object::String(bytes.into_owned(), lopdf::StringFormat::Literal)]));
            operations.push(Operation::new("ET", vec![]));
        }
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    if let Some(title) = info_title {
        let info_id = doc.add_object(dictionary! {
            "Title" => Object::string_literal(title), "Author" => Object::string_literal("Behnam Gholipour"),
            "CreationDate" => Object::string_literal("D:20201218093000Z"),
        });
        doc.trailer.set("Info", info_id);
    }
    doc
}

fn pdf_bytes(mut doc: lopdf::Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// Three pages of a report: a running header and a page-number footer on each, a paragraph that
/// runs over lines with a hyphenated word, and one that runs over the page break.
fn report_pdf() -> Vec<u8> {
    let header = (72.0, 800.0, 9.0, "National Security Quarterly - Winter 2020");
    let page = |n: &'static str| (290.0, 40.0, 9.0, n);
    let pages = vec![
        vec![
            header,
            (72.0, 740.0, 16.0, "Official Study Reveals Fear"),
            (72.0, 700.0, 11.0, "In a newly published study, a journal affiliated with the inter-"),
            (72.0, 686.0, 11.0, "national defense university examines the views of senior"),
            (72.0, 672.0, 11.0, "officials regarding social media."),
            (72.0, 640.0, 11.0, "Over the last decade, officials have made their views of social"),
            (72.0, 626.0, 11.0, "media clear, and the study continues on the next"),
            page("1"),
        ],
        vec![
            header,
            (72.0, 740.0, 11.0, "page without a break in the paragraph."),
            (72.0, 708.0, 11.0, "The Franco-"),
            (72.0, 694.0, 11.0, "German border is not a hyphenation."),
            page("2"),
        ],
        vec![header, (72.0, 740.0, 11.0, "The last page has one sentence."), page("3")],
    ];
    pdf_bytes(pdf(&pages, Some("Official Study")))
}

#[test]
fn a_pdf_imports_in_reading_order_without_running_headers_and_with_hyphenation_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, report_pdf()).unwrap();
    let report = import_paths(&[&path]);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let doc = &report.imported[0].document;
    assert_eq!(
        doc.text,
        "Official Study Reveals Fear\n\n\
         In a newly published study, a journal affiliated with the international defense university examines the views of senior officials regarding social media.\n\n\
         Over the last decade, officials have made their views of social media clear, and the study continues on the next page without a break in the paragraph.\n\n\
         The Franco- German border is not a hyphenation.\n\n\
         The last page has one sentence."
    );
    assert_eq!(doc.metadata["title"], "Official Study");
    assert_eq!(doc.metadata["author"], "Behnam Gholipour");
    assert_eq!(doc.metadata["pages"], "3");
}

#[test]
fn a_pdf_without_text_and_a_password_protected_pdf_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.pdf");
    std::fs::write(&scan, pdf_bytes(pdf(&[vec![], vec![]], None))).unwrap();
    let report = import_paths(&[&scan]);
    assert!(
        matches!(&report.failed[0].1, ImportError::Pdf { source: PdfError::NoTextLayer { pages: 2 }, .. }),
        "{:?}",
        report.failed
    );
    assert!(only_error(&report).contains("no text layer"), "{}", only_error(&report));

    let locked = dir.path().join("locked.pdf");
    let mut doc = pdf(&[vec![(72.0, 700.0, 11.0, "Secret text")]], None);
    let id = lopdf::Object::string_literal(b"0123456789abcdef".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = lopdf::encryption::EncryptionState::try_from(lopdf::encryption::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "secret",
        key_length: 128,
        permissions: lopdf::encryption::Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    std::fs::write(&locked, pdf_bytes(doc)).unwrap();
    let report = import_paths(&[&locked]);
    assert!(only_error(&report).contains("password-protected"), "{}", only_error(&report));
}

// ---------------------------------------------------------------------------------------------
// Bad input: a clear message per file, and the rest still imports.

#[test]
fn every_bad_input_gets_its_message_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mixed");
    std::fs::create_dir(&folder).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(folder.join(name), bytes).unwrap();
    write("a-good.txt", "Müller said 🎉 👨‍👩‍👧 شبکه‌های 社交\r\nsecond line\r\n".as_bytes());
    write("b-binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00binary");
    write("c-empty.txt", b"");
    write("d-blank.md", b"   \n\n  ");
    write("e-broken.html", b"<html><body><p>Unclosed <b>bold <p>second</div></span> paragraph");
    write("f-scripts.html", b"<html><head><script>var a = 1;</script></head><body><nav></nav></body></html>");
    write("g-notzip.docx", b"this is not a zip");
    write("h-image.png", b"\x89PNG\r\n\x1a\n");
    let bomb = zip_of(&[("bomb.txt", &vec![b'a'; 60 << 20])]);
    std::fs::write(folder.join("i-bomb.zip"), &bomb).unwrap();
    let escape = zip_of(&[("../../escape.txt", b"outside"), ("inside.txt", b"Inside the archive, fine.")]);
    std::fs::write(folder.join("j-escape.zip"), &escape).unwrap();
    write("k-big.txt", &b"word ".repeat(300_000));

    let options = ImportOptions { max_text_bytes: 1_000_000, ..Default::default() };
    let report = import(&[Input::Path(folder.clone())], &options);
    let imported: Vec<&str> = report.imported.iter().map(|i| i.document.name.as_str()).collect();
    assert_eq!(imported, ["a-good.txt", "e-broken.html", "inside.txt"]);
    assert_eq!(report.imported[0].document.text, "Müller said 🎉 👨‍👩‍👧 شبکه‌های 社交\nsecond line\n");
    let broken = &report.imported[1].document.text;
    assert!(broken.contains("Unclosed bold") && broken.contains("second paragraph"), "{broken}");

    let messages: BTreeMap<String, String> = report
        .failed
        .iter()
        .map(|(source, error)| {
            (Path::new(source).file_name().unwrap().to_string_lossy().into_owned(), error.to_string())
        })
        .collect();
    let expect = |file: &str, words: &str| {
        let message = messages.get(file).unwrap_or_else(|| panic!("no failure for {file}: {messages:?}"));
        assert!(message.contains(words), "{file}: {message}");
    };
    expect("b-binary.txt", "is a binary file, not text");
    expect("c-empty.txt", "is empty");
    expect("d-blank.md", "is empty");
    expect("f-scripts.html", "no article text");
    expect("g-notzip.docx", "not a readable zip archive");
    expect("bomb.txt", "refused as a zip bomb");
    expect("escape.txt", "points outside the archive");
    expect("k-big.txt", "the limit is 1000000 bytes");
    assert!(matches!(
        report.failed.iter().find(|(s, _)| s.ends_with("escape.txt")).unwrap().1,
        ImportError::Archive { source: ArchiveError::PathEscapes(_), .. }
    ));
    assert_eq!(report.skipped, [(folder.join("h-image.png").display().to_string(), SkipReason::Unsupported)]);
    assert!(!dir.path().join("escape.txt").exists());
}

// ---------------------------------------------------------------------------------------------
// Encodings.

#[test]
fn legacy_encodings_are_detected_reported_and_can_be_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let arabic = "قالت الحكومة إن وسائل التواصل الاجتماعي تشكل تهديدا للأمن الوطني في البلاد\r\nسطر ثان";
    let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(arabic);
    let path = dir.path().join("arabic.txt");
    std::fs::write(&path, &bytes).unwrap();
    let report = import_paths(&[&path]);
    let imported = &report.imported[0];
    assert_eq!(imported.document.text, arabic.replace("\r\n", "\n"));
    assert_eq!(imported.encoding.as_deref(), Some("windows-1256"));
    assert_eq!(imported.document.metadata["encoding"], "windows-1256");

    // The user names the encoding: ISO-8859-6 bytes read as such.
    let (iso, _, _) = encoding_rs::ISO_8859_6.encode("قالت الحكومة إن وسائل التواصل الاجتماعي تشكل تهديدا");
    let iso_path = dir.path().join("iso.txt");
    std::fs::write(&iso_path, &iso).unwrap();
    let options = ImportOptions { encoding: Some("iso-8859-6".into()), ..Default::default() };
    let report = import(&[Input::Path(iso_path)], &options);
    assert_eq!(report.imported[0].document.text, "قالت الحكومة إن وسائل التواصل الاجتماعي تشكل تهديدا");
    assert_eq!(report.imported[0].encoding.as_deref(), Some("ISO-8859-6"));

    // UTF-16 with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Grüße 🎉 社交".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let utf16_path = dir.path().join("utf16.txt");
    std::fs::write(&utf16_path, &utf16).unwrap();
    let report = import_paths(&[&utf16_path]);
    assert_eq!(report.imported[0].document.text, "Grüße 🎉 社交");

    // An HTML page declaring its charset.
    let page = "<html><head><meta charset=\"windows-1252\"><title>Caf\u{e9}</title></head><body><p>Der B\u{fc}rger sagte: \u{201e}Gr\u{fc}\u{df}e\u{201c}.</p></body></html>";
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(page);
    let html_path = dir.path().join("page.html");
    std::fs::write(&html_path, &latin).unwrap();
    let report = import_paths(&[&html_path]);
    assert!(
        report.imported[0].document.text.contains("Der Bürger sagte: „Grüße“."),
        "{}",
        report.imported[0].document.text
    );
    assert_eq!(report.imported[0].encoding.as_deref(), Some("windows-1252"));
}

// ---------------------------------------------------------------------------------------------
// Corpora.

#[test]
fn csv_and_jsonl_rows_become_documents_with_variables() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("items.csv");
    std::fs::write(&csv, "title,text,outlet,year\nFirst,\"Müller said 🎉\r\nsecond line\",IranWire,2020\nSecond,شبکه‌های 社交,BBC Persian,2021\nThird,,x,2022\n").unwrap();
    let jsonl = dir.path().join("items.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            r#"{"text": "A doccano text", "label": [[0, 1, "X"]], "outlet": "IranWire"}"#,
            "\n",
            r#"{"id": 3, "data": {"text": "A Label Studio task", "outlet": "Radio Farda"}, "annotations": []}"#,
            "\n",
            r#"{"text": "Müller said 🎉\nsecond line"}"#,
            "\n",
        ),
    )
    .unwrap();
    let mut project = Project::new("corpus");
    project.codebook.document_fields = vec![
        FieldDef {
            id: "outlet".into(),
            name: "Outlet".into(),
            kind: ValueKind::Choice(vec!["IranWire".into(), "BBC Persian".into()]),
            definition: String::new(),
        },
        FieldDef { id: "year".into(), name: "Year".into(), kind: ValueKind::Number, definition: String::new() },
    ];
    let report = import_sources(&project, &[Input::Path(csv), Input::Path(jsonl)], &ImportOptions::default(), &|_| {
        ControlFlow::Continue(())
    });
    let names: Vec<&str> = report.imported.iter().map(|i| i.document.name.as_str()).collect();
    assert_eq!(names, ["First", "Second", "items.jsonl 1", "3"]);
    let first = &report.imported[0].document;
    assert_eq!(first.text, "Müller said 🎉\nsecond line");
    assert_eq!(first.variables["outlet"], Value::Choice("IranWire".into()));
    assert_eq!(first.variables["year"], Value::Number(2020.0));
    assert_eq!(first.metadata["year"], "2020");
    assert_eq!(report.imported[1].document.variables["outlet"], Value::Choice("BBC Persian".into()));
    // Not an option of the codebook: kept as metadata, no variable.
    assert_eq!(report.imported[3].document.metadata["outlet"], "Radio Farda");
    assert!(!report.imported[3].document.variables.contains_key("outlet"));
    // The empty row fails with its row number; the JSONL duplicate of row 1 is skipped.
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].1.to_string().contains("is empty"), "{}", report.failed[0].1);
    assert!(report.failed[0].0.ends_with("items.csv row 3"), "{}", report.failed[0].0);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].1, SkipReason::Duplicate { document_name: "First".into() });
}

#[test]
fn texts_already_in_the_project_are_skipped_and_ids_are_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "Müller said 🎉").unwrap();
    let other = dir.path().join("b.txt");
    std::fs::write(&other, "Another text").unwrap();
    let mut project = Project::new("p");
    project.documents.push(spanwise::model::Document::new("d1", "old.txt", "Müller said 🎉".into()));
    let report = import_sources(&project, &[Input::Path(path), Input::Path(other)], &ImportOptions::default(), &|_| {
        ControlFlow::Continue(())
    });
    assert_eq!(report.skipped[0].1, SkipReason::Duplicate { document_name: "old.txt".into() });
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.imported[0].document.id, "d2");
}

// ---------------------------------------------------------------------------------------------
// Many files: progress and Cancel.

fn thousand_files(dir: &Path) -> PathBuf {
    let folder = dir.join("corpus");
    for i in 0..1000 {
        let sub = folder.join(format!("part{}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let (name, body) = if i % 2 == 0 {
            (
                format!("{i:04}.html"),
                format!(
                    "<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1><p>Paragraph {i} of a story about Müller 🎉 and شبکه‌های 社交, long enough to be the article text of its page.</p></article></body></html>"
                ),
            )
        } else {
            (format!("{i:04}.txt"), format!("Story {i}\n\nText {i} about Müller 🎉 and شبکه‌های 社交."))
        };
        std::fs::write(sub.join(name), body).unwrap();
    }
    folder
}

#[test]
fn a_folder_of_1000_files_imports_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let folder = thousand_files(dir.path());
    let calls = AtomicUsize::new(0);
    let last_done = AtomicUsize::new(0);
    let report = import_sources(&Project::new("p"), &[Input::Path(folder)], &ImportOptions::default(), &|progress| {
        calls.fetch_add(1, Ordering::Relaxed);
        assert_eq!(progress.total, 1000);
        assert_eq!(progress.done, last_done.load(Ordering::Relaxed) + 1);
        last_done.store(progress.done, Ordering::Relaxed);
        assert!(!progress.current.is_empty());
        assert!(progress.done == 1000 || progress.remaining.is_some());
        ControlFlow::Continue(())
    });
    assert_eq!(calls.load(Ordering::Relaxed), 1000);
    assert!(report.failed.is_empty(), "{:?}", &report.failed[..report.failed.len().min(3)]);
    assert_eq!(report.imported.len(), 1000);
    assert!(!report.cancelled);
    // In input order (folders sorted), with ids d1..d1000.
    assert_eq!(report.imported[0].document.name, "0000.html");
    assert_eq!(report.imported[999].document.id, "d1000");
    assert_eq!(report.imported[0].document.metadata["title"], "Story 0");
}

#[test]
fn a_folder_import_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let folder = thousand_files(dir.path());
    let report = import_sources(&Project::new("p"), &[Input::Path(folder)], &ImportOptions::default(), &|progress| {
        if progress.done >= 100 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    });
    assert!(report.cancelled);
    // What finished before Cancel is kept; the rest never started (a few may have been in flight).
    assert!(report.imported.len() >= 100 && report.imported.len() < 200, "{}", report.imported.len());
    assert!(report.failed.is_empty());
}

// ---------------------------------------------------------------------------------------------
// URLs, against a server on 127.0.0.1 serving the fixture pages.

/// Serves `routes` (path -> (status, headers, body)) for at most `requests` requests, then stops.
fn serve(
    routes: Vec<(&'static str, u16, &'static str, Vec<u8>)>,
    requests: usize,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, headers, body) = routes
                .iter()
                .find(|(p, ..)| *p == path)
                .map(|(_, s, h, b)| (*s, *h, b.clone()))
                .unwrap_or((404, "Content-Type: text/plain\r\n", b"not found".to_vec()));
            let head =
                format!("HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (base, handle)
}

#[test]
fn urls_import_from_a_local_server() {
    let guardian = std::fs::read(shared().join("fixtures/readability/guardian-1/source.html")).unwrap();
    let folha = std::fs::read(shared().join("fixtures/readability/folha/source.html")).unwrap();
    let html = "Content-Type: text/html; charset=utf-8\r\n";
    let routes = vec![
        ("/guardian", 200, html, guardian),
        ("/moved", 301, "Location: /folha\r\n", Vec::new()),
        ("/folha", 200, html, folha),
        ("/huge", 200, html, vec![b'a'; 3 << 20]),
    ];
    let (base, server) = serve(routes, 5);
    let inputs = [
        Input::parse(&format!("{base}/guardian")),
        Input::parse(&format!("{base}/moved")),
        Input::parse(&format!("{base}/missing")),
        Input::parse(&format!("{base}/huge")),
    ];
    let mut options = ImportOptions::default();
    options.fetch.max_bytes = 2 << 20;
    let report = import(&inputs, &options);
    server.join().unwrap();
    assert_eq!(report.imported.len(), 2, "{:?}", report.failed);
    let guardian = &report.imported[0].document;
    assert_eq!(guardian.name, "'What is the sea telling us?': Māori tribes fearful over whale strandings");
    assert_eq!(guardian.metadata["source"], format!("{base}/guardian"));
    assert_eq!(guardian.metadata["author"], "Eleanor Ainge Roy");
    assert!(guardian.metadata["url"].starts_with("https://www.theguardian.com/"), "{}", guardian.metadata["url"]);
    assert!(guardian.text.contains("Whale whisperer Hori Parata"));
    // The redirect was followed; the page's metadata came along.
    let folha = &report.imported[1].document;
    assert_eq!(folha.metadata["source"], format!("{base}/moved"));
    assert_eq!(folha.metadata["outlet"], "Folha de S.Paulo");
    let failures: Vec<String> = report.failed.iter().map(|(_, e)| e.to_string()).collect();
    assert!(failures[0].contains("/missing: the server answered 404 (page not found)"), "{failures:?}");
    assert!(failures[1].contains("/huge: the page is larger than 2097152 bytes"), "{failures:?}");
}
