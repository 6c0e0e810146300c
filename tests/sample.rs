//! The sample project is the worked example instructors hand out as the model answer, so it is
//! checked like one: the file on disk is exactly what `make_sample` builds, the generator stops on
//! a needle it cannot place, and every coding rule of `docs/SAMPLE.md` holds for every annotation.

#[path = "../examples/make_sample/coding.rs"]
#[allow(dead_code)]
mod coding;
mod common;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use spanwise::model::{Annotation, Codebook, Document, ItemId, Project};
use spanwise::store;

fn sample() -> Project {
    store::load(&common::sample_project_path()).expect("the sample project loads")
}

/// The code point ranges of the paragraphs (lines) and sentences of a text.
struct Layout {
    chars: Vec<char>,
    paragraphs: Vec<Range<usize>>,
    sentences: Vec<Range<usize>>,
}

const QUOTE_MARKS: [char; 3] = ['“', '”', '"'];

impl Layout {
    fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut paragraphs = Vec::new();
        let mut start = 0;
        for (i, ch) in chars.iter().enumerate() {
            if *ch == '\n' {
                paragraphs.push(start..i);
                start = i + 1;
            }
        }
        paragraphs.push(start..chars.len());
        // A sentence ends after . ! or ? (and any closing quotation marks) before white space.
        let mut sentences = Vec::new();
        for paragraph in &paragraphs {
            let mut start = paragraph.start;
            let mut i = paragraph.start;
            while i < paragraph.end {
                if matches!(chars[i], '.' | '!' | '?') {
                    let mut end = i + 1;
                    while end < paragraph.end && QUOTE_MARKS.contains(&chars[end]) {
                        end += 1;
                    }
                    if end == paragraph.end || chars[end].is_whitespace() {
                        sentences.push(start..end);
                        start = end + 1;
                        i = end;
                    }
                }
                i += 1;
            }
            if start < paragraph.end {
                sentences.push(start..paragraph.end);
            }
        }
        Self { chars, paragraphs, sentences }
    }

    fn paragraph_of(&self, offset: usize) -> Range<usize> {
        self.paragraphs.iter().find(|p| p.start <= offset && offset <= p.end).cloned().expect("offset in the text")
    }

    /// The sentences `range` touches, as one range.
    fn sentences_of(&self, range: Range<usize>) -> Range<usize> {
        let first = self.sentences.iter().find(|s| s.start <= range.start && range.start < s.end.max(s.start + 1));
        let last = self.sentences.iter().find(|s| s.start < range.end && range.end <= s.end);
        first.map_or(range.start, |s| s.start)..last.map_or(range.end, |s| s.end)
    }

    fn is_word_char(&self, offset: usize) -> bool {
        self.chars.get(offset).is_some_and(|c| c.is_alphanumeric())
    }

    /// Whole-word, case-insensitive occurrences of `phrase` in `range`, skipping `covered` chars.
    fn phrase_in(&self, range: Range<usize>, phrase: &str, covered: &dyn Fn(usize) -> bool) -> Vec<usize> {
        let phrase: Vec<char> = phrase.chars().flat_map(char::to_lowercase).collect();
        let mut found = Vec::new();
        for start in range.start..range.end.saturating_sub(phrase.len() - 1) {
            let end = start + phrase.len();
            let matches = (start..end)
                .all(|i| !covered(i) && self.chars[i].to_lowercase().eq(std::iter::once(phrase[i - start])));
            if matches && !self.is_word_char(start.wrapping_sub(1)) && !self.is_word_char(end) {
                found.push(start);
            }
        }
        found
    }
}

/// Verbs and phrases that introduce reported words: a sentence with one reports someone.
const REPORTING: &[&str] = &[
    "according to",
    "say",
    "says",
    "said",
    "argue",
    "argues",
    "told",
    "adding",
    "states",
    "believe",
    "believes",
    "finds",
    "concludes",
    "describe",
    "putting forth",
    "call for",
    "urge",
];

/// Verbs that present what a source contains in the author's words ("the study cites X as Y").
const SUMMARISING: &[&str] = &["highlights", "cites", "identifies"];

/// Words that open a sentence as a connective, not as part of an assertion.
const CONNECTIVES: &[&str] = &["However", "Overall", "In short", "In turn", "As a result", "But", "In total"];

/// Quotation-marked text that is not a Quote, and why. Actor names inside it are not tagged.
const NOT_QUOTES: &[(&str, &str)] = &[
    (
        "Study of the trends and impact of social networks on national security of the Islamic Republic of Iran",
        "the title of a journal issue: a name, not reported speech",
    ),
    ("internal", "scare quotes: the text does not say whose word it is"),
];

/// Words for a document that speaks ("the study argues"); such Actors stand for its authors.
const DOCUMENT_WORDS: &[&str] = &["study", "report", "article"];

struct Checked<'p> {
    document: &'p Document,
    layout: Layout,
    by_id: HashMap<ItemId, &'p Annotation>,
}

impl<'p> Checked<'p> {
    fn new(project: &'p Project) -> Self {
        let document = &project.documents[0];
        let by_id = document.annotations.iter().map(|a| (a.id, &**a)).collect();
        Self { document, layout: Layout::new(&document.text), by_id }
    }

    fn with_label<'a>(&'a self, label: &'a str) -> impl Iterator<Item = &'p Annotation> + 'a {
        self.document.annotations.iter().filter(move |a| a.label == label).map(|a| &**a)
    }

    /// Targets of the relations of `kind` that start at `annotation`.
    fn targets(&self, annotation: &Annotation, kind: &str) -> Vec<&'p Annotation> {
        self.document
            .relations
            .iter()
            .filter(|r| r.kind == kind && r.from == annotation.id)
            .map(|r| self.by_id[&r.to])
            .collect()
    }

    fn covered_by(annotation: &Annotation) -> impl Fn(usize) -> bool + '_ {
        move |offset| annotation.covers(offset)
    }

    fn describe(&self, annotation: &Annotation) -> String {
        format!("{} {:?} at {}..{}", annotation.label, annotation.text(), annotation.start(), annotation.end())
    }
}

/// `inner` lies within the extent of `outer` (and is not the same annotation).
fn inside(inner: &Annotation, outer: &Annotation) -> bool {
    inner.id != outer.id && outer.start() <= inner.start() && inner.end() <= outer.end()
}

#[test]
fn the_sample_on_disk_is_what_make_sample_builds() {
    let built = coding::build(common::manifest_dir()).expect("the coding builds");
    let on_disk = std::fs::read_to_string(common::sample_project_path()).unwrap();
    assert!(
        store::to_string(&built) == on_disk,
        "{} is not what examples/make_sample builds; run `cargo run --example make_sample`",
        coding::PROJECT_PATH
    );
    assert_eq!(sample(), built);
    // Built twice, the same bytes: nothing depends on the clock, the order of a map or chance.
    assert_eq!(store::to_string(&coding::build(common::manifest_dir()).unwrap()), on_disk);
}

#[test]
fn make_sample_stops_with_the_entry_it_cannot_place() {
    let text = std::fs::read_to_string(common::sample_text_path()).unwrap();
    // The article with a name misspelt.
    let edited = text.replacen("Behnam Gholipour", "Benham Gholipour", 1);
    let document = spanwise::formats::text::import(&edited, "d1".into(), "edited.txt".into());
    let message = coding::build_from(document).unwrap_err().to_string();
    assert_eq!(
        message,
        "actor \"Behnam Gholipour\": not found in the sample text; if the text changed, correct this \
         entry in examples/make_sample/coding.rs"
    );

    // A name that now occurs twice: the entry must say which one it means.
    let document = spanwise::formats::text::import(&format!("{text}\nIranians\n"), "d1".into(), "a.txt".into());
    let message = coding::build_from(document).unwrap_err().to_string();
    assert_eq!(
        message,
        "actor \"Iranians\": occurs 2 times in the sample text; add words around it and mark the span with [brackets]"
    );

    let document = spanwise::formats::text::import(&text, "d1".into(), "a.txt".into());
    assert_eq!(coding::locate(&document, "the government"), Err(coding::LocateError::Ambiguous(9)));
    assert_eq!(
        coding::LocateError::Ambiguous(9).to_string(),
        "occurs 9 times in the sample text; add words around it and mark the span with [brackets]"
    );
    assert_eq!(coding::locate(&document, "burdened [the government"), Err(coding::LocateError::Brackets));
    assert_eq!(coding::locate(&document, "burdened [[the] government]"), Err(coding::LocateError::Brackets));
    assert_eq!(coding::locate(&document, "burdened []the government"), Err(coding::LocateError::EmptySpan));
    // Brackets pick the span out of its context; several make a discontinuous span. Offsets are
    // code points (the text has curly quotes and apostrophes before these places).
    let one = coding::locate(&document, "burdened [the government]").unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(document.slice(one[0].clone()), Some("the government"));
    let parts = coding::locate(&document, "[Social media], the report finds, [is not only]").unwrap();
    let texts: Vec<&str> = parts.iter().map(|r| document.slice(r.clone()).unwrap()).collect();
    assert_eq!(texts, ["Social media", "is not only"]);
}

#[test]
fn labels_and_relation_types_come_from_the_default_codebook() {
    let project = sample();
    assert_eq!(project.codebook, Codebook::default_news(), "the sample is coded with the default codebook");
    let codebook = &project.codebook;
    let document = &project.documents[0];
    let labels: BTreeMap<&str, usize> = document.annotations.iter().fold(BTreeMap::new(), |mut counts, a| {
        *counts.entry(a.label.as_str()).or_default() += 1;
        counts
    });
    for label in codebook.labels.iter().map(|l| l.id.as_str()) {
        assert!(labels.contains_key(label), "no example of {label}");
    }
    for annotation in &document.annotations {
        assert!(codebook.label(&annotation.label).is_some(), "unknown label {}", annotation.label);
    }
    let checked = Checked::new(&project);
    for relation in &document.relations {
        let kind = codebook.relation_type(&relation.kind).expect("relation type in the codebook");
        let (from, to) = (checked.by_id[&relation.from], checked.by_id[&relation.to]);
        assert!(kind.from_labels.is_empty() || kind.from_labels.iter().any(|l| *l == from.label), "{relation:?}");
        assert!(kind.to_labels.is_empty() || kind.to_labels.iter().any(|l| *l == to.label), "{relation:?}");
    }
    // No annotation is coded twice, and no relation is made twice.
    let mut spans = std::collections::HashSet::new();
    for annotation in &document.annotations {
        let fragments: Vec<(usize, usize)> = annotation.fragments.iter().map(|f| (f.start, f.end)).collect();
        assert!(spans.insert((annotation.label.clone(), fragments)), "{}", checked.describe(annotation));
    }
    let mut links = std::collections::HashSet::new();
    for relation in &document.relations {
        assert!(links.insert((&relation.kind, relation.from, relation.to)), "{relation:?}");
    }
}

#[test]
fn spans_are_whole_phrases_without_dangling_punctuation() {
    let project = sample();
    let checked = Checked::new(&project);
    let layout = &checked.layout;
    for annotation in &checked.document.annotations {
        let what = checked.describe(annotation);
        for fragment in &annotation.fragments {
            let (first, last) = (layout.chars[fragment.start], layout.chars[fragment.end - 1]);
            assert!(!first.is_whitespace() && !last.is_whitespace(), "{what}: white space at an end");
            assert!(
                !layout.is_word_char(fragment.start.wrapping_sub(1)) || !first.is_alphanumeric(),
                "{what}: starts inside a word"
            );
            assert!(!layout.is_word_char(fragment.end) || !last.is_alphanumeric(), "{what}: ends inside a word");
            for (end, ch) in [("starts", first), ("ends", last)] {
                assert!(!",.;:!?—–-()’'".contains(ch), "{what}: {end} with {ch:?}");
            }
            // Quotation marks only in pairs: a span never takes one mark of a pair and not the other.
            let marks = fragment.text.chars().filter(|c| QUOTE_MARKS.contains(c)).count();
            assert!(marks % 2 == 0, "{what}: a dangling quotation mark");
            if annotation.label == "quote" {
                assert!(!QUOTE_MARKS.contains(&first) && !QUOTE_MARKS.contains(&last), "{what}: words only");
            }
        }
        if annotation.label == "actor" {
            let text = annotation.text();
            assert!(!text.ends_with("’s") && !text.ends_with("'s"), "{what}: the name without the possessive");
            let pronouns = ["they", "them", "it", "its", "he", "she", "we", "their", "this", "these"];
            assert!(!pronouns.contains(&text.to_lowercase().as_str()), "{what}: pronouns are not Actors");
        }
        if matches!(annotation.label.as_str(), "claim" | "quote") {
            for connective in CONNECTIVES {
                let starts = annotation.text().strip_prefix(connective).and_then(|rest| rest.chars().next());
                assert!(starts.is_none_or(|c| c.is_alphanumeric()), "{what}: starts with {connective:?}");
            }
        }
    }
}

#[test]
fn every_quote_and_sourced_claim_is_attributed_to_its_speaker_nearby() {
    let project = sample();
    let checked = Checked::new(&project);
    let layout = &checked.layout;
    for annotation in &checked.document.annotations {
        let what = checked.describe(annotation);
        let speakers = checked.targets(annotation, "attributed_to");
        assert!(speakers.len() <= 1, "{what}: attributed to {} speakers", speakers.len());
        let sentence = layout.sentences_of(annotation.start()..annotation.end());
        let covered = Checked::covered_by(annotation);
        let cue =
            REPORTING.iter().chain(SUMMARISING).find(|c| !layout.phrase_in(sentence.clone(), c, &covered).is_empty());
        match annotation.label.as_str() {
            // Reported words always have a speaker.
            "quote" | "recommendation" => assert_eq!(speakers.len(), 1, "{what}: not attributed"),
            "claim" => {
                if let Some(cue) = cue {
                    assert_eq!(
                        speakers.len(),
                        1,
                        "{what}: its sentence reports a source (\"{cue}\"), but it is not attributed"
                    );
                }
            }
            _ => {}
        }
        let Some(speaker) = speakers.first() else { continue };
        assert_eq!(speaker.label, "actor", "{what}");
        let spoken = (speaker.start()..speaker.end()).any(|offset| annotation.covers(offset));
        assert!(!spoken, "{what}: the speaker is inside the reported words");
        assert_eq!(
            layout.paragraph_of(speaker.start()),
            layout.paragraph_of(annotation.start()),
            "{what}: attributed to {:?} in another paragraph",
            speaker.text()
        );
        // An attribution the sentence does not show is explained.
        if cue.is_none() {
            assert!(annotation.note.contains("attributed to"), "{what}: no source in its sentence and no note why");
        }
    }
}

#[test]
fn every_sentence_that_reports_someone_has_its_reported_words_attributed() {
    let project = sample();
    let checked = Checked::new(&project);
    let layout = &checked.layout;
    let attributed: Vec<&Annotation> = checked
        .document
        .annotations
        .iter()
        .filter(|a| !checked.targets(a, "attributed_to").is_empty())
        .map(|a| &**a)
        .collect();
    for sentence in &layout.sentences {
        for cue in REPORTING {
            let found = layout.phrase_in(sentence.clone(), cue, &|_| false);
            if found.is_empty() {
                continue;
            }
            let reported = attributed.iter().any(|a| a.start() < sentence.end && sentence.start < a.end());
            let text: String = layout.chars[sentence.clone()].iter().collect();
            assert!(reported, "{cue:?} reports someone, but nothing in this sentence is attributed: {text:?}");
        }
    }
}

#[test]
fn notes_that_name_a_speaker_agree_with_the_relations() {
    let project = sample();
    let checked = Checked::new(&project);
    let mut explained = 0;
    for annotation in checked.document.annotations.iter().filter(|a| !a.note.is_empty()) {
        explained += 1;
        let what = checked.describe(annotation);
        let speakers = checked.targets(annotation, "attributed_to");
        if let Some((_, rest)) = annotation.note.split_once("attributed to “") {
            let name = rest.split('”').next().unwrap();
            let named: Vec<String> = speakers.iter().map(|s| s.text()).collect();
            assert_eq!(named, [name], "{what}: the note names the speaker {name:?}");
        }
        if annotation.note.contains("not attributed") {
            assert!(speakers.is_empty(), "{what}: the note says it is not attributed");
        }
    }
    // Discontinuous spans are borderline by nature: each says why.
    for annotation in checked.document.annotations.iter().filter(|a| a.fragments.len() > 1) {
        assert!(!annotation.note.is_empty(), "{}: discontinuous without a note", checked.describe(annotation));
    }
    assert!(explained >= 10, "a worked example explains its borderline decisions ({explained} notes)");
}

#[test]
fn quotes_and_claims_over_the_same_words_have_the_same_speaker() {
    let project = sample();
    let checked = Checked::new(&project);
    for quote in checked.with_label("quote") {
        for claim in checked.with_label("claim").filter(|c| c.fragments == quote.fragments) {
            let speaker = |a: &Annotation| checked.targets(a, "attributed_to").first().map(|s| s.id);
            assert_eq!(speaker(quote), speaker(claim), "{}", checked.describe(claim));
        }
    }
}

#[test]
fn every_quotation_in_the_text_is_a_quote() {
    let project = sample();
    let checked = Checked::new(&project);
    let layout = &checked.layout;
    let quotes: Vec<String> = checked.with_label("quote").map(Annotation::text).collect();
    let mut quotations = 0;
    for paragraph in &layout.paragraphs {
        let mut open: Option<usize> = None;
        for i in paragraph.clone() {
            if !QUOTE_MARKS.contains(&layout.chars[i]) {
                continue;
            }
            let after_space = i == paragraph.start || layout.chars[i - 1].is_whitespace();
            match open {
                None if after_space && layout.is_word_char(i + 1) => open = Some(i + 1),
                Some(start) if !after_space => {
                    let quoted: String = layout.chars[start..i].iter().collect();
                    check_quotation(&quoted, &quotes);
                    quotations += 1;
                    open = None;
                }
                _ => panic!("unexpected quotation mark at {i}"),
            }
        }
        // A quotation the source never closes runs to the end of its paragraph.
        if let Some(start) = open {
            let quoted: String = layout.chars[start..paragraph.end].iter().collect();
            check_quotation(&quoted, &quotes);
            quotations += 1;
        }
    }
    assert_eq!(quotations, 14, "the article's quotations");
}

fn check_quotation(quoted: &str, quotes: &[String]) {
    let words = quoted.trim_end_matches([',', '.']);
    if NOT_QUOTES.iter().any(|(text, _)| *text == words) {
        assert!(!quotes.iter().any(|q| q == words), "{words:?} is coded as a Quote, but it is not one");
        return;
    }
    assert!(quotes.iter().any(|q| q == words), "the quotation {words:?} is not coded as a Quote");
}

#[test]
fn recommendations_are_proposed_actions_with_their_proposer() {
    let project = sample();
    let checked = Checked::new(&project);
    let layout = &checked.layout;
    for recommendation in checked.with_label("recommendation") {
        let what = checked.describe(recommendation);
        let text = recommendation.text();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert!(words.len() >= 3, "{what}: a concrete action, not a word");
        for word in words.iter().take(3) {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            for frame in ["recommendation", "suggestion", "proposal", "such"] {
                assert!(!word.starts_with(frame), "{what}: the action proposed, not the word for a proposal");
            }
        }
        assert_eq!(checked.targets(recommendation, "attributed_to").len(), 1, "{what}: who proposes it");
        // A recommendation inside a quote is one the quote itself makes (same speaker).
        for quote in checked.with_label("quote").filter(|q| inside(recommendation, q)) {
            let speaker = |a: &Annotation| checked.targets(a, "attributed_to").first().map(|s| s.id);
            assert_eq!(speaker(recommendation), speaker(quote), "{what}: inside {}", checked.describe(quote));
        }
    }
    // About links a recommendation to the actor it asks to act, named in the same paragraph.
    for relation in checked.document.relations.iter().filter(|r| r.kind == "about") {
        let (from, to) = (checked.by_id[&relation.from], checked.by_id[&relation.to]);
        assert_eq!(from.label, "recommendation", "{}", checked.describe(from));
        assert_eq!(layout.paragraph_of(from.start()), layout.paragraph_of(to.start()), "{}", checked.describe(from));
    }
}

#[test]
fn an_actor_tagged_once_is_tagged_everywhere() {
    let project = sample();
    let checked = Checked::new(&project);
    let layout = &checked.layout;
    let text = &checked.document.text;
    let actors: Vec<&Annotation> = checked.with_label("actor").collect();
    let excepted: Vec<Range<usize>> = NOT_QUOTES
        .iter()
        .filter_map(|(quoted, _)| text.find(quoted).map(|b| (b, quoted)))
        .map(|(byte, quoted)| {
            let start = checked.document.index().byte_to_char(text, byte).unwrap();
            start..start + quoted.chars().count()
        })
        .collect();
    for actor in &actors {
        let name = actor.text();
        let last_word = name.rsplit(' ').next().unwrap_or_default();
        if DOCUMENT_WORDS.contains(&last_word) {
            // A document is an Actor only where it speaks: a reporting verb follows its name.
            let next = layout.chars[actor.end()..].iter().skip(1).take_while(|c| c.is_alphabetic()).collect::<String>();
            assert!(
                REPORTING.contains(&next.as_str()) || SUMMARISING.contains(&next.as_str()),
                "{}: a document that does not speak ({next:?})",
                checked.describe(actor)
            );
            continue;
        }
        for start in layout.phrase_in(0..layout.chars.len(), &name, &|_| false) {
            let range = start..start + name.chars().count();
            // Case matters ("The government" and "the government" are found separately).
            if checked.document.slice(range.clone()) != Some(name.as_str()) {
                continue;
            }
            let tagged = actors.iter().any(|a| a.start() == range.start && a.end() == range.end);
            let within_longer = actors.iter().any(|a| {
                a.start() <= range.start && range.end <= a.end() && a.end() - a.start() > name.chars().count()
            });
            let within_excepted = excepted.iter().any(|e| e.start <= range.start && range.end <= e.end);
            assert!(
                tagged || within_longer || within_excepted,
                "{name:?} is an Actor at {}, but not at {}..{}",
                actor.start(),
                range.start,
                range.end
            );
        }
    }
}

#[test]
fn the_docs_state_the_real_counts_and_quote_the_real_file() {
    let project = sample();
    let document = &project.documents[0];
    let count = |label: &str| document.annotations.iter().filter(|a| a.label == label).count();
    let relations = |kind: &str| document.relations.iter().filter(|r| r.kind == kind).count();
    let readme = std::fs::read_to_string(common::manifest_dir().join("README.md")).unwrap();
    let expected = format!(
        "{} annotations ({} claims, {} quotes, {} actors and {} recommendations) and {} relations ({} \
         *Attributed to*, {} *About*)",
        document.annotations.len(),
        count("claim"),
        count("quote"),
        count("actor"),
        count("recommendation"),
        document.relations.len(),
        relations("attributed_to"),
        relations("about"),
    );
    let readme_flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(readme_flat.contains(&expected), "README.md should say: {expected}");

    let format = std::fs::read_to_string(common::manifest_dir().join("docs/FORMAT.md")).unwrap();
    let summary = format!(
        "d1 (iranwire-social-media-study.txt): {} annotations, {} relations",
        document.annotations.len(),
        document.relations.len()
    );
    assert!(format.contains(&summary), "docs/FORMAT.md should show: {summary}");
    // The lines FORMAT.md shows from the sample are lines of the sample.
    let file = std::fs::read_to_string(common::sample_project_path()).unwrap();
    let shown: Vec<&str> = format.lines().map(str::trim).filter(|l| l.contains("annotator: \"sample\"")).collect();
    assert!(shown.len() >= 2, "docs/FORMAT.md quotes an annotation and a relation of the sample");
    for line in shown {
        assert!(file.lines().any(|l| l.trim() == line), "docs/FORMAT.md shows a line the sample does not have: {line}");
    }
}
