//! Builds `sample_docs/iranwire-social-media-study.spanwise.ron` from the sample text: a dozen
//! example annotations of each label, some nested, with a few relations.
//!
//! Run: `cargo run --example make_sample`. The output is deterministic (fixed ids and times).

use std::path::Path;

use chrono::{DateTime, Utc};
use spanwise::edit::{Edit, apply};
use spanwise::formats;
use spanwise::model::{Annotation, Annotator, IdGenerator, ItemId, Project, Relation};
use spanwise::store;

const CLAIMS: &[&str] = &[
    "social networks have an impact in more than a dozen areas, resulting in a threat to national security",
    "social media has an impact on national security in 15 distinct areas",
    "Almost all of this impact is negative",
    "these officials believe that social media threatens, or at least potentially weakens, the national security of the Islamic Republic",
    "Iran’s leadership views social media negatively",
    "Iranian officials see social media in terms of national security, routinely regarding it as a direct threat",
    "restrictions and prohibitions on, and barriers against these technologies and communication tools are increasing every day",
    "these measures have not been able to prevent the profound impact the social media revolution has had on Iranians",
    "social media has allowed Iranian people to choose a better way of life",
    "“People’s use of social media will widen the gap between the government and society,” the experts told the authors",
    "it has strengthened the work of anti-regime groups",
    "the government has failed to control social media, and with it, society",
    "the erosion of national security will continue",
];

const QUOTES: &[&str] = &[
    "Study of the trends and impact of social networks on national security of the Islamic Republic of Iran",
    "the increasing role of citizenship",
    "reconstruction of democracy",
    "monitoring and control",
    "the lack of clear and defined positions in the power structure has led to a weakening of social control and the spread of political challenges.",
    "The government's increasing inability to control the flow of capital and establish a secure society destroys the importance and relevance of the government to ordinary citizens,",
    "legitimacy and security of states",
    "The information age and threats to national security are two sides of the same coin, and as their dimensions expand, sovereignty and national security will also undergo change,",
    "the growth of social networks reduces the possibility for the government to control and monitor society and the people.",
    "People’s use of social media will widen the gap between the government and society,",
    "Consumption of social media leads to a violation of the integrity of the government,",
    "criminal activity",
];

const ACTORS: &[(&str, usize)] = &[
    ("Behnam Gholipour", 0),
    ("IranWire", 0),
    ("the National Defense University", 0),
    ("Iran’s senior intelligence and security experts", 0),
    ("Ruling clerics in Iran", 0),
    ("National Security quarterly", 0),
    ("Ayatollah Ali Khamenei", 0),
    ("the Supreme National Security Council", 0),
    ("the Ministry of Intelligence", 0),
    ("the Revolutionary Guards", 0),
    ("Experts and senior intelligence and security officials", 0),
    ("the experts", 0),
    ("the government", 4),
    ("the Iranian government and officials", 0),
    ("lawmakers", 0),
];

const RECOMMENDATIONS: &[&str] = &[
    "the recommendation that the Iranian government and officials strengthen and develop Iran’s “internal” internet",
    "strengthen and develop Iran’s “internal” internet",
    "call for changes in the law",
    "urge lawmakers to take decisive action on policy",
    "take decisive action on policy",
    "increasing the oversight of social media",
    "cracking down on what they describe as “criminal activity” online",
    "suggestions",
    "Such proposals, laws, resolutions, and guidelines",
    "the authors’ recommendations for changes in the law",
    "control and monitor society and the people",
    "establish a secure society",
];

/// Code point range of the `nth` occurrence of `needle`.
fn find(text: &str, needle: &str, nth: usize) -> std::ops::Range<usize> {
    let (byte, _) =
        text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle:?} #{nth} not in the sample text"));
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs");
    let text_path = root.join("iranwire-social-media-study.txt");
    let time: DateTime<Utc> = "2026-11-27T12:00:00Z".parse().expect("fixed time");
    let mut project = Project::new("IranWire: the regime's fear of social media");
    project.created = time;
    project.description = "Sample project: an IranWire article coded with the default news codebook.".into();
    let mut document = formats::import_path(&text_path, "d1".into()).expect("sample text");
    document.metadata.insert("source".into(), "sample_docs/iranwire-social-media-study.txt".into());
    document.metadata.insert("author".into(), "Behnam Gholipour".into());
    document.metadata.insert("outlet".into(), "IranWire".into());
    document.metadata.insert("date".into(), "2020-12-18".into());
    let text = document.text.clone();
    project.documents.push(document);
    project.build_indexes();
    apply(&mut project, Edit::AddAnnotator(Annotator { id: "sample".into(), name: "Spanwise sample".into() }))
        .expect("annotator");

    let mut ids = IdGenerator::seeded(20201218);
    let mut add = |project: &mut Project, label: &str, range: std::ops::Range<usize>| -> ItemId {
        let fragment = project.documents[0].fragment(range).expect("range in text");
        let id = ids.next_id();
        let annotation = Annotation {
            id,
            label: label.into(),
            fragments: vec![fragment],
            annotator: "sample".into(),
            created: time,
            modified: time,
            note: String::new(),
            attributes: Default::default(),
        };
        apply(project, Edit::AddAnnotation { document: "d1".into(), annotation }).expect("valid annotation");
        id
    };
    let mut by_text = std::collections::HashMap::new();
    for claim in CLAIMS {
        by_text.insert(*claim, add(&mut project, "claim", find(&text, claim, 0)));
    }
    for quote in QUOTES {
        by_text.insert(*quote, add(&mut project, "quote", find(&text, quote, 0)));
    }
    for (actor, nth) in ACTORS {
        by_text.insert(*actor, add(&mut project, "actor", find(&text, actor, *nth)));
    }
    for recommendation in RECOMMENDATIONS {
        by_text.insert(*recommendation, add(&mut project, "recommendation", find(&text, recommendation, 0)));
    }
    let mut relation_ids = IdGenerator::seeded(7);
    for (kind, from, to) in [
        (
            "attributed_to",
            "People’s use of social media will widen the gap between the government and society,",
            "the experts",
        ),
        (
            "attributed_to",
            "Consumption of social media leads to a violation of the integrity of the government,",
            "the experts",
        ),
        (
            "attributed_to",
            "the growth of social networks reduces the possibility for the government to control and monitor society and the people.",
            "Experts and senior intelligence and security officials",
        ),
        (
            "about",
            "the recommendation that the Iranian government and officials strengthen and develop Iran’s “internal” internet",
            "the Iranian government and officials",
        ),
        ("about", "urge lawmakers to take decisive action on policy", "lawmakers"),
    ] {
        let relation = Relation {
            id: relation_ids.next_id(),
            kind: kind.into(),
            from: by_text[from],
            to: by_text[to],
            annotator: "sample".into(),
            created: time,
            modified: time,
            note: String::new(),
        };
        apply(&mut project, Edit::AddRelation { document: "d1".into(), relation }).expect("valid relation");
    }
    let out = root.join("iranwire-social-media-study.spanwise.ron");
    store::save(&project, &out).expect("save sample");
    let _ = std::fs::remove_file(store::backup_path(&out));
    println!("wrote {} ({} annotations)", out.display(), project.annotation_count());
}
