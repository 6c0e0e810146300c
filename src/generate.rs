//! Deterministic synthetic documents and annotations, for benchmarks and scale tests.

use crate::model::{Annotation, Annotator, Document, IdGenerator, Project, Relation, Timestamp};

const WORDS: &[&str] = &[
    "social",
    "media",
    "national",
    "security",
    "the",
    "government",
    "officials",
    "study",
    "report",
    "citizens",
    "internet",
    "networks",
    "Iran’s",
    "Revolutionary",
    "Guards",
    "council",
    "über",
    "threat",
    "control",
    "public",
    "opinion",
    "and",
    "of",
    "in",
    "to",
    "a",
    "impact",
    "policy",
    "lawmakers",
    "experts",
    "intelligence",
    "démocratie",
    "—",
    "is",
    "has",
    "will",
    "increase",
    "weaken",
    "strengthen",
    "develop",
    "oversight",
    "activity",
    "online",
];

/// Persian words for right-to-left scale tests: ZWNJ inside words, Persian and Western digits,
/// Latin names and an URL inside the Persian, as in Iranian news text.
const PERSIAN_WORDS: &[&str] = &[
    "شبکه‌های",
    "اجتماعی",
    "امنیت",
    "ملی",
    "پژوهشگران",
    "می‌گویند",
    "دولت",
    "مقام‌های",
    "جمهوری",
    "اسلامی",
    "گزارش",
    "کاربران",
    "اینترنت",
    "سپاه",
    "پاسداران",
    "تهدید",
    "است",
    "و",
    "در",
    "از",
    "به",
    "که",
    "این",
    "را",
    "با",
    "برای",
    "۱۴۰۲",
    "۴۵",
    "2023",
    "IranWire",
    "Instagram",
    "VPN",
    "«نظارت»",
    "(فیلترینگ)",
    "می‌خواهند",
    "کرده‌اند",
    "سیاست",
    "https://iranwire.com/fa/",
];

const LABELS: &[&str] = &["claim", "quote", "actor", "recommendation"];

/// A small fast random number generator (xorshift), so generated data is the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Text of about `target_bytes` bytes: paragraphs of sentences of words, blank lines between.
pub fn text(target_bytes: usize, seed: u64) -> String {
    text_of(WORDS, target_bytes, seed)
}

/// Persian text of about `target_bytes` bytes, made like [`text`] from Persian words (with ZWNJ,
/// digits, Latin names and an URL among them).
pub fn persian_text(target_bytes: usize, seed: u64) -> String {
    text_of(PERSIAN_WORDS, target_bytes, seed)
}

fn text_of(vocabulary: &[&str], target_bytes: usize, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut text = String::with_capacity(target_bytes + 1024);
    while text.len() < target_bytes {
        let sentences = 3 + rng.below(6);
        for s in 0..sentences {
            let words = 8 + rng.below(25);
            for w in 0..words {
                let word = vocabulary[rng.below(vocabulary.len())];
                if w == 0 {
                    let mut chars = word.chars();
                    if let Some(first) = chars.next() {
                        text.extend(first.to_uppercase());
                        text.push_str(chars.as_str());
                    }
                } else {
                    text.push(' ');
                    text.push_str(word);
                }
            }
            text.push('.');
            if s + 1 < sentences {
                text.push(' ');
            }
        }
        text.push_str("\n\n");
    }
    text
}

/// Code point ranges of the words (runs of non-space characters) of `text`.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.chars().enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, text.chars().count()));
    }
    words
}

/// Adds `count` annotations on whole words of `document`: mostly 1–6 words, some whole
/// sentences long, many overlapping and nested.
pub fn annotate(document: &mut Document, count: usize, annotator: &str, seed: u64, time: Timestamp) {
    let words = words(&document.text);
    if words.is_empty() {
        return;
    }
    let mut rng = Rng(seed | 1);
    let mut ids = IdGenerator::seeded(seed);
    let mut annotations = Vec::with_capacity(count);
    for i in 0..count {
        let first = rng.below(words.len());
        let span = if i % 10 == 0 { 10 + rng.below(30) } else { 1 + rng.below(6) };
        let last = (first + span - 1).min(words.len() - 1);
        let Some(fragment) = document.fragment(words[first].0..words[last].1) else { continue };
        annotations.push(Annotation {
            id: ids.next_id(),
            label: LABELS[i % LABELS.len()].into(),
            fragments: vec![fragment],
            annotator: annotator.into(),
            created: time,
            modified: time,
            note: String::new(),
            attributes: Default::default(),
        });
    }
    annotations.sort_by_key(Annotation::sort_key);
    document.annotations = annotations.into_iter().map(Box::new).collect();
    document.touch();
}

/// Adds up to `count` relations between nearby annotations of `document` (each source linked to
/// an annotation among the next 16 in document order), of the types the default codebook allows
/// between their labels: a quote, claim or recommendation *attributed to* an actor, a
/// recommendation *addressed to* an actor, a claim that *supports* or *contradicts* another.
/// Ids are fresh in the document; relations are kept sorted by id, as the file stores them.
pub fn relate(document: &mut Document, count: usize, annotator: &str, seed: u64, time: Timestamp) {
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let mut ids = IdGenerator::seeded(seed ^ 0x005E_ED0F_2E1A_7105);
    let mut used: std::collections::HashSet<crate::model::ItemId> = document.annotations.iter().map(|a| a.id).collect();
    used.extend(document.relations.iter().map(|r| r.id));
    let mut linked = std::collections::HashSet::new();
    let n = document.annotations.len();
    let mut relations = Vec::with_capacity(count);
    let mut attempts = 0;
    while relations.len() < count && attempts < count.saturating_mul(20) && n > 1 {
        attempts += 1;
        let from = rng.below(n);
        let to = (from + 1 + rng.below(16)).min(n - 1);
        let (a, b) = (&document.annotations[from], &document.annotations[to]);
        if from == to {
            continue;
        }
        let kind = match (a.label.as_str(), b.label.as_str()) {
            ("recommendation", "actor") if rng.below(2) == 0 => "addressed_to",
            ("quote" | "claim" | "recommendation", "actor") => "attributed_to",
            ("claim", "claim") if rng.below(2) == 0 => "contradicts",
            ("claim", "claim") => "supports",
            _ => continue,
        };
        if !linked.insert((a.id, b.id, kind)) {
            continue;
        }
        let id = loop {
            let id = ids.next_id();
            if used.insert(id) {
                break id;
            }
        };
        relations.push(Relation {
            id,
            kind: kind.into(),
            from: a.id,
            to: b.id,
            annotator: annotator.into(),
            created: time,
            modified: time,
            note: String::new(),
        });
    }
    document.relations.extend(relations);
    document.relations.sort_by_key(|r| r.id);
    document.touch();
}

/// [`project`] with `relations` relations between nearby annotations ([`relate`]).
pub fn project_with_relations(bytes: usize, annotations: usize, relations: usize, seed: u64) -> Project {
    let mut project = project(bytes, annotations, seed);
    let time = project.created;
    if let Some(document) = project.documents.first_mut() {
        relate(document, relations, "bench", seed, time);
    }
    project
}

/// A project with one generated document of about `bytes` bytes and `annotations` annotations.
pub fn project(bytes: usize, annotations: usize, seed: u64) -> Project {
    let time: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap_or_default();
    let mut project = Project::new("generated");
    project.created = time;
    project.annotators.push(Annotator { id: "bench".into(), name: "Benchmark".into() });
    let mut document = Document::new("d1", "generated.txt", text(bytes, seed));
    annotate(&mut document, annotations, "bench", seed, time);
    project.documents.push(document);
    project
}

/// A project with one generated Persian document of about `bytes` bytes and `annotations`
/// annotations (the right-to-left scale case).
pub fn persian_project(bytes: usize, annotations: usize, seed: u64) -> Project {
    project_from_text("generated-fa.txt", persian_text(bytes, seed), annotations, seed)
}

/// A project holding `text` (e.g. a book) with `annotations` generated annotations.
pub fn project_from_text(name: &str, text: String, annotations: usize, seed: u64) -> Project {
    let time: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap_or_default();
    let mut project = Project::new(name);
    project.created = time;
    project.annotators.push(Annotator { id: "bench".into(), name: "Benchmark".into() });
    let mut document = Document::new("d1", name, crate::formats::text::normalize(&text));
    annotate(&mut document, annotations, "bench", seed, time);
    project.documents.push(document);
    project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_projects_are_valid_and_deterministic() {
        let project = project(50_000, 2_000, 7);
        assert!(crate::model::validate(&project).is_empty());
        assert!(project.documents[0].text.len() >= 50_000);
        assert_eq!(project.documents[0].annotations.len(), 2_000);
        assert_eq!(crate::store::to_string(&project), crate::store::to_string(&super::project(50_000, 2_000, 7)));
        let persian = persian_project(50_000, 2_000, 7);
        assert!(crate::model::validate(&persian).is_empty());
        let text = &persian.documents[0].text;
        assert!(text.contains('\u{200C}') && crate::model::bidi::has_rtl(text));
        assert_eq!(persian.documents[0].annotations.len(), 2_000);
    }

    #[test]
    fn generated_relations_are_valid_deterministic_and_near() {
        let project = project_with_relations(50_000, 2_000, 500, 7);
        let problems = crate::model::validate(&project);
        assert!(problems.is_empty(), "{problems:?}");
        let document = &project.documents[0];
        assert_eq!(document.relations.len(), 500);
        assert!(document.relations.is_sorted_by_key(|r| r.id));
        for relation in &document.relations {
            let (from, to) = (document.annotation(relation.from).unwrap(), document.annotation(relation.to).unwrap());
            assert!(from.start().abs_diff(to.start()) < 5_000, "nearby: {relation:?}");
        }
        assert_eq!(
            crate::store::to_string(&project),
            crate::store::to_string(&project_with_relations(50_000, 2_000, 500, 7))
        );
    }
}
