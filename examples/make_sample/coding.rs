//! The coding of the sample article, and the function that turns it into the sample project.
//!
//! Shared by `make_sample` (which writes `sample_docs/iranwire-social-media-study.spanwise.ron`)
//! and `tests/sample.rs` (which checks that the file on disk is exactly what this builds, and that
//! the coding follows the rules in `docs/SAMPLE.md`).
//!
//! Each entry names its span by text. A span that occurs once is written as it is; one that
//! occurs several times (or is discontinuous) is written with enough words around it to be
//! unique, and the span itself marked with `[brackets]` (several bracketed parts make a
//! discontinuous annotation). A needle that is missing or ambiguous stops the build with an
//! error that names it.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use spanwise::edit::{Edit, EditError, apply};
use spanwise::formats::{self, ImportError};
use spanwise::model::{Annotation, Annotator, Document, IdGenerator, ItemId, Project, Relation};

/// The article, relative to the package root.
pub const TEXT_PATH: &str = "sample_docs/iranwire-social-media-study.txt";
/// The generated project, relative to the package root.
pub const PROJECT_PATH: &str = "sample_docs/iranwire-social-media-study.spanwise.ron";
/// Id of the annotator every sample annotation belongs to.
pub const ANNOTATOR: &str = "sample";

/// One coding decision: a span, its label(s), and whom it is attributed to or about.
#[derive(Clone, Copy, Debug)]
pub struct Code {
    /// Label ids; reported words that assert something are both a Quote and a Claim.
    pub labels: &'static [&'static str],
    /// The span, as text; `[brackets]` mark it inside surrounding words.
    pub at: &'static str,
    /// A name for an Actor, so that other codes can refer to it.
    pub key: Option<&'static str>,
    /// Key of the Actor this is attributed to (speaker, source or proposer).
    pub by: Option<&'static str>,
    /// Key of the Actor a Recommendation addresses.
    pub about: Option<&'static str>,
    /// Why a borderline case was coded this way.
    pub note: &'static str,
}

const fn code(labels: &'static [&'static str], at: &'static str) -> Code {
    Code { labels, at, key: None, by: None, about: None, note: "" }
}

/// A checkable assertion.
const fn claim(at: &'static str) -> Code {
    code(&["claim"], at)
}

/// Reported words that are not an assertion (a phrase, a term).
const fn quote(at: &'static str) -> Code {
    code(&["quote"], at)
}

/// Reported words that assert something: a Quote and a Claim over the same span.
const fn reported(at: &'static str) -> Code {
    code(&["quote", "claim"], at)
}

const fn actor(at: &'static str) -> Code {
    code(&["actor"], at)
}

const fn recommendation(at: &'static str) -> Code {
    code(&["recommendation"], at)
}

impl Code {
    const fn key(mut self, key: &'static str) -> Self {
        self.key = Some(key);
        self
    }

    const fn by(mut self, key: &'static str) -> Self {
        self.by = Some(key);
        self
    }

    const fn about(mut self, key: &'static str) -> Self {
        self.about = Some(key);
        self
    }

    const fn note(mut self, note: &'static str) -> Self {
        self.note = note;
        self
    }
}

/// The whole coding, in the order of the text.
pub const CODING: &[Code] = &[
    // Headline, byline, dateline.
    claim("Official Study Reveals the Regime’s Fear of Social Media").note(
        "Headline: the outlet’s own assertion that the study shows the regime’s fear. A Claim in the \
         article’s own voice, not attributed: the text names no speaker for it.",
    ),
    actor("Official Study Reveals [the Regime]’s Fear"),
    actor("Behnam Gholipour"),
    actor("IranWire").note(
        "Byline and dateline: the author (Behnam Gholipour) and the outlet are Actors, but the article’s \
         own claims are not linked to them; Attributed to is kept for sources the text names.",
    ),
    // Lead.
    actor("According to [intelligence officials]").key("intelligence officials"),
    reported("social networks have an impact in more than a dozen areas, resulting in a threat to national security")
        .by("intelligence officials"),
    // The study and its sources.
    actor("a journal affiliated with the National Defense University").note(
        "The journal is described, not named (its name, National Security quarterly, comes later): the \
         whole description is its shortest complete mention. The sentence describes the source, not a \
         finding, so it has no Claim.",
    ),
    actor("affiliated with [the National Defense University]"),
    actor("Iran’s senior intelligence and security experts"),
    actor("According to [these officials]").key("these officials 1"),
    reported("social media has an impact on national security in 15 distinct areas").by("these officials 1"),
    reported("Almost all of this impact is negative").by("these officials 1").note(
        "No reporting verb in this sentence, but it continues the account that ‘According to these \
         officials’ opens (the study’s finding, repeated at the end of the article), so attributed to \
         “these officials”.",
    ),
    actor("Overall, [these officials] believe").key("these officials 2"),
    reported("social media threatens, or at least potentially weakens, the national security of the Islamic Republic")
        .by("these officials 2"),
    actor("security of [the Islamic Republic].").note(
        "The Islamic Republic as a political entity (the state whose security is at stake) is an Actor; \
         ‘Iran’ and ‘the country’ as places are not tagged.",
    ),
    // The author's framing.
    claim(
        "Over the last decade or more, Islamic Republic officials have made their views of social media — and how \
         to handle it — clear",
    ),
    actor("Islamic Republic officials"),
    claim(
        "Iran’s leadership views social media negatively, often showing a profound misunderstanding of its function \
         and how it is used, to the extent that officials are willing to entertain and promote conspiracy theories \
         about it",
    ),
    actor("Iran’s leadership"),
    actor("extent that [officials] are willing"),
    claim(
        "Iranian officials see social media in terms of national security, routinely regarding it as a direct threat",
    ),
    actor("Iranian officials"),
    claim(
        "With the expansion of the internet in Iran and the general popularity of social networks, restrictions and \
         prohibitions on, and barriers against these technologies and communication tools are increasing every day",
    ),
    claim(
        "these measures have not been able to prevent the profound impact the social media revolution has had on \
         Iranians, and how they relate to one another and the wider world",
    ),
    actor("Iranians"),
    // What the clerics say.
    actor("Ruling clerics in Iran").key("ruling clerics"),
    reported(
        "over the last 20 years, social media has become the most important factor in changing lifestyles, and \
         changing the relationship between the government and its people",
    )
    .by("ruling clerics"),
    actor("relationship between [the government] and its people"),
    actor("the government and [its people]. They"),
    claim(
        "social media appears to empower people and influence public opinion, distancing people from religious \
         rulers, and gradually integrating them into global relations",
    )
    .by("ruling clerics")
    .note(
        "‘They have also seen how …’ still reports the clerics’ view (They = the ruling clerics of the sentence \
         before; pronouns are not tagged), so attributed to “Ruling clerics in Iran”. Not a Quote: ‘seen’ \
         reports a perception, not words.",
    ),
    actor("religious rulers"),
    claim(
        "social media has allowed Iranian people to choose a better way of life, a life that ruling clerics have \
         been suppressing, oppressing and undermining for years",
    )
    .note(
        "‘A macro view of the situation suggests that’ is the author’s own hedge, not a source: a Claim in the \
         article’s voice, not attributed.",
    ),
    actor("Iranian people").note(
        "The population named as a group (‘Iranian people’, ‘the Iranian public’, ‘Iranians’, ‘its people’, \
         ‘ordinary citizens’) is an Actor; generic ‘people’, ‘citizens’ and ‘society’ (‘People’s use of social \
         media’) are not.",
    ),
    actor("[ruling clerics] have been"),
    claim(
        "The unique and powerful possibilities that social media has presented to the Iranian public has caused \
         widespread concern among officials of the Islamic Republic for many years",
    ),
    actor("the Iranian public"),
    actor("officials of the Islamic Republic").note(
        "A state’s name that only says whose officials they are stays inside the group’s Actor (as in ‘Islamic \
         Republic officials’ and ‘Iran’s leadership’); another organisation named inside a description gets an \
         Actor of its own (the university in ‘a journal affiliated with the National Defense University’).",
    ),
    // The findings.
    actor("National Security quarterly")
        .note("The quoted issue title that follows is a name, not reported speech, so it is not a Quote."),
    actor("the National Defense Military University")
        .note("Named differently from ‘the National Defense University’ in the second paragraph; coded as written."),
    actor("senior managers at Ayatollah Ali Khamenei's office")
        .note("The group whose views the study includes; the person named inside it is an Actor of his own."),
    actor("senior managers at [Ayatollah Ali Khamenei]'s office"),
    actor("the Supreme National Security Council"),
    actor("the Ministry of Intelligence"),
    actor("the Revolutionary Guards"),
    actor("several other intelligence and security agencies"),
    actor("[these experts and officials], the study"),
    actor("officials, [the study] highlights").key("study highlights").note(
        "A document as speaker: the codebook’s own Quote example is ‘the study argues that …’, so the study \
         (standing for its unnamed authors) is an Actor wherever it speaks. Where it is only mentioned (‘Views \
         included in the study’) it is not tagged.",
    ),
    claim(
        "highlights [“the increasing role of citizenship\", \"reconstruction of democracy\" and \"monitoring and \
         control\" as internal factors threatening national security in Iran]",
    )
    .by("study highlights")
    .note(
        "‘highlights X as Y’ sums the study up in the author’s words: the assertion is a Claim attributed to “the \
         study”, not an indirect Quote. The three phrases in quotation marks inside it are direct Quotes.",
    ),
    quote("the increasing role of citizenship").by("study highlights"),
    quote("reconstruction of democracy").by("study highlights"),
    quote("monitoring and control").by("study highlights"),
    actor("[The study] argues").key("study argues"),
    reported(
        "the blurring of national government boundaries in the information age has resulted in a confused \
         definition of citizenship",
    )
    .by("study argues"),
    reported(
        "the lack of clear and defined positions in the power structure has led to a weakening of social control \
         and the spread of political challenges",
    )
    .by("study argues")
    .note("The closing quotation mark is missing in the source; the quote ends with the sentence, full stop excluded."),
    reported(
        "The government's increasing inability to control the flow of capital and establish a secure society \
         destroys the importance and relevance of the government to ordinary citizens",
    )
    .by("study says"),
    actor("[The government]'s increasing inability"),
    actor("relevance of [the government] to ordinary"),
    actor("ordinary citizens"),
    actor("[the study] says").key("study says"),
    actor("Another part of [the study] states").key("study states"),
    reported(
        "the emergence of crises, the change in citizens' expectations, the realization of citizenship rights as a \
         result of long and exhausting popular struggles, and the increasing sensitivity of public opinion to \
         public policy-making have increasingly burdened the government",
    )
    .by("study states"),
    actor("burdened [the government]"),
    actor("This study").key("this study"),
    claim(
        "cites [the expansion of the information society and the growth in communications as factors that \
         increase the power of democracy and put pressure on the \"legitimacy and security of states\"]",
    )
    .by("this study"),
    quote("legitimacy and security of states").by("this study"),
    reported(
        "The information age and threats to national security are two sides of the same coin, and as their \
         dimensions expand, sovereignty and national security will also undergo change",
    )
    .by("report says"),
    actor("[the report] says").key("report says"),
    // The experts.
    actor("Experts and senior intelligence and security officials").key("experts argue"),
    reported(
        "the growth of social networks reduces the possibility for the government to control and monitor society \
         and the people",
    )
    .by("experts argue")
    .note(
        "The next sentence (‘They make an explicit link between social media and the threat to national \
         security’) restates this argument in the author’s words and asserts nothing new, so it is not coded \
         again.",
    ),
    actor("possibility for [the government] to control"),
    actor("the people"),
    reported("People’s use of social media will widen the gap between the government and society").by("the experts"),
    actor("gap between [the government] and society"),
    actor("the experts").key("the experts"),
    actor("told [the authors]"),
    reported("Consumption of social media leads to a violation of the integrity of the government").by("the experts"),
    actor("integrity of [the government]"),
    reported(
        "the government’s lack of control over its people also means a lack of control over the physical territory \
         of the country and the security of its borders",
    )
    .by("the experts"),
    actor("[the government]’s lack"),
    actor("control over [its people]"),
    actor("In turn, [these experts and officials] say").key("experts and officials say"),
    reported("the government’s control over the economy is also being undermined").by("experts and officials say"),
    actor("[the government]’s control over the economy"),
    reported(
        "[Social media], the report finds, [is not only changing people's lifestyles, it has strengthened the work \
         of anti-regime groups, making it possible for them to spread insecurity and increase their support bases]",
    )
    .by("report finds")
    .note(
        "Discontinuous: the attribution ‘the report finds’ interrupts the reported words and is left out (two \
         fragments); attributed to “the report”.",
    ),
    actor("Social media, [the report] finds").key("report finds"),
    actor("anti-regime groups"),
    // The conclusions and recommendations.
    actor("the article").key("the article"),
    claim("identifies [15 areas relevant to national security on which social media has an impact]").by("the article"),
    reported(
        "[In almost every area], it concludes, [this impact is negative, resulting in erosion and a weakening of the \
         country’s national security]",
    )
    .by("the article")
    .note(
        "Discontinuous around ‘it concludes’; ‘it’ is the article of the sentence before (pronouns are not \
         tagged), so attributed to “the article”.",
    ),
    actor("The article").key("article concludes"),
    actor("the Iranian government and officials").key("government and officials"),
    recommendation("strengthen and develop Iran’s “internal” internet")
        .by("article concludes")
        .about("government and officials")
        .note(
            "The proposed action only, as in the codebook’s example; the proposer is linked with Attributed to, \
             the addressees with About. “internal” is not a Quote: scare quotes, and the text does not say \
             whose word it is (compare “criminal activity”).",
        ),
    actor("The authors").key("the authors"),
    recommendation("call for [changes in the law], and urge").by("the authors"),
    actor("lawmakers").key("lawmakers"),
    recommendation("take decisive action on policy").by("the authors").about("lawmakers").note(
        "A call for action; the two concrete measures after ‘including’ are Recommendations of their own, so this \
         span stops at ‘policy’.",
    ),
    recommendation("increasing the oversight of social media").by("the authors").about("lawmakers"),
    recommendation("cracking down on what they describe as “criminal activity” online")
        .by("the authors")
        .about("lawmakers"),
    quote("criminal activity").by("the authors").note(
        "‘what they describe as’ says whose words these are; ‘they’ are the authors (pronouns are not tagged), so \
         attributed to “The authors”.",
    ),
    // The author's assessment.
    claim(
        "Such proposals, laws, resolutions, and guidelines have been put forth before, and in many cases, they have \
         been discussed, have been approved and even implemented by think tanks and legislators",
    )
    .note(
        "Refers back to proposals and laws without proposing anything: a Claim in the author’s voice, not a \
         Recommendation; not attributed.",
    ),
    actor("think tanks and legislators").note(
        "Coordinated names that act together as one party are one Actor (like ‘the Iranian government and \
         officials’).",
    ),
    claim("when these proposals have been adopted into policy, it has not resulted in any significant change"),
    actor("Despite [the authors]’ recommendations").key("the authors again"),
    recommendation("recommendations for [changes in the law]").by("the authors again").note(
        "A second mention of the proposal made above (‘call for changes in the law’): still a proposal, so a \
         Recommendation, attributed to “the authors” again. ‘the authors’ recommendations for’ is the frame, not \
         the proposal.",
    ),
    claim("the government has failed to control social media, and with it, society").note(
        "‘the suggestion is that’ introduces the author’s inference, not a proposal: a Claim, not a Recommendation, \
         and not attributed.",
    ),
    actor("[the government] has failed"),
    actor("[the report] finds, the erosion").key("report erosion"),
    reported("the erosion of national security will continue").by("report erosion").note(
        "Discourse connectives (‘As a result’, ‘However’, ‘Overall’, ‘In turn’) are left out of Claims; adverbials \
         that limit the assertion (‘over the last 20 years’, ‘In almost every area’) stay in.",
    ),
];

/// Why a needle does not name exactly one place in the text.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocateError {
    #[error("not found in the sample text; if the text changed, correct this entry in examples/make_sample/coding.rs")]
    NotFound,
    #[error("occurs {0} times in the sample text; add words around it and mark the span with [brackets]")]
    Ambiguous(usize),
    #[error("its [brackets] are unbalanced or nested")]
    Brackets,
    #[error("it has an empty [] span")]
    EmptySpan,
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("cannot read the sample text: {0}")]
    Import(#[from] ImportError),
    #[error("{label} {at:?}: {problem}")]
    Locate { label: String, at: String, problem: LocateError },
    #[error("{label} {at:?}: the key {key:?} is already used by another entry")]
    DuplicateKey { label: String, at: String, key: String },
    #[error("{label} {at:?}: a key names one Actor, but this entry has the labels {labels:?}")]
    KeyOnNonActor { label: String, at: String, labels: Vec<String> },
    #[error("{label} {at:?}: {role} {key:?} is not the key of any Actor in the coding")]
    UnknownKey { label: String, at: String, role: &'static str, key: String },
    #[error("{label} {at:?}: {source}")]
    Edit { label: String, at: String, source: EditError },
    #[error("{label} {at:?}: the same span and label are coded twice")]
    Duplicate { label: String, at: String },
}

/// The fixed time of every item, so that the output is the same at every run.
pub fn time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// The code point ranges `at` names in `document`: the whole needle, or its `[bracketed]` parts.
pub fn locate(document: &Document, at: &str) -> Result<Vec<Range<usize>>, LocateError> {
    // The needle without brackets, and the byte ranges of the bracketed parts in it.
    let mut needle = String::with_capacity(at.len());
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut open: Option<usize> = None;
    for ch in at.chars() {
        match ch {
            '[' if open.is_none() => open = Some(needle.len()),
            ']' => {
                let start = open.take().ok_or(LocateError::Brackets)?;
                if start == needle.len() {
                    return Err(LocateError::EmptySpan);
                }
                parts.push(start..needle.len());
            }
            '[' => return Err(LocateError::Brackets),
            _ => needle.push(ch),
        }
    }
    if open.is_some() {
        return Err(LocateError::Brackets);
    }
    if parts.is_empty() {
        parts.push(0..needle.len());
    }
    // Every occurrence counts, overlapping ones too: the needle must be unique.
    let text = &document.text;
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(position) = text[from..].find(&needle) {
        found.push(from + position);
        from += position + text[from + position..].chars().next().map_or(1, char::len_utf8);
    }
    let byte = match found.as_slice() {
        [] => return Err(LocateError::NotFound),
        [one] => *one,
        many => return Err(LocateError::Ambiguous(many.len())),
    };
    let index = document.index();
    parts
        .iter()
        .map(|part| {
            let start = index.byte_to_char(text, byte + part.start).ok_or(LocateError::NotFound)?;
            let end = index.byte_to_char(text, byte + part.end).ok_or(LocateError::NotFound)?;
            Ok(start..end)
        })
        .collect()
}

/// A stable id from what an item is, so that a change to one entry leaves the others' ids alone.
fn content_id(what: &str) -> ItemId {
    let digest = Sha256::digest(what.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    let id = u64::from_le_bytes(bytes) & IdGenerator::MAX;
    ItemId(id.max(1))
}

/// Reads the article and codes it: the sample project, exactly as `make_sample` saves it.
pub fn build(package_root: &Path) -> Result<Project, SampleError> {
    let mut document = formats::import_path(&package_root.join(TEXT_PATH), "d1".into())?;
    document.metadata.insert("source".into(), TEXT_PATH.into());
    build_from(document)
}

/// Codes `document` (the imported article) with [`CODING`].
pub fn build_from(mut document: Document) -> Result<Project, SampleError> {
    let time = time();
    let mut project = Project::new("IranWire: the regime's fear of social media");
    project.created = time;
    project.description = "Sample project: an IranWire article coded with the default news codebook, as a worked \
                           example (the coding rules are in docs/SAMPLE.md)."
        .into();
    document.metadata.insert("author".into(), "Behnam Gholipour".into());
    document.metadata.insert("outlet".into(), "IranWire".into());
    document.metadata.insert("date".into(), "2020-12-18".into());
    project.documents.push(document);
    project.build_indexes();
    let annotator = Annotator { id: ANNOTATOR.into(), name: "Spanwise sample".into() };
    apply(&mut project, Edit::AddAnnotator(annotator)).map_err(|source| SampleError::Edit {
        label: "annotator".into(),
        at: ANNOTATOR.into(),
        source,
    })?;

    // Annotations first, so that every key is known before the relations refer to it.
    let mut keys: HashMap<&str, ItemId> = HashMap::new();
    let mut made: Vec<(&Code, Vec<ItemId>)> = Vec::new();
    for code in CODING {
        let label = code.labels.join("+");
        let at = code.at.to_owned();
        let document = &project.documents[0];
        let ranges = locate(document, code.at).map_err(|problem| SampleError::Locate {
            label: label.clone(),
            at: at.clone(),
            problem,
        })?;
        let mut fragments = Vec::new();
        for range in ranges {
            let fragment = document.fragment(range.clone()).ok_or_else(|| SampleError::Edit {
                label: label.clone(),
                at: at.clone(),
                source: EditError::BadSpan { start: range.start, end: range.end, reason: "not in the text".into() },
            })?;
            fragments.push(fragment);
        }
        let mut ids = Vec::new();
        for label_id in code.labels {
            let span: Vec<String> = fragments.iter().map(|f| format!("{}..{}", f.start, f.end)).collect();
            let id = content_id(&format!("annotation {label_id} {}", span.join(",")));
            if project.id_in_use(id) {
                return Err(SampleError::Duplicate { label: (*label_id).into(), at });
            }
            let annotation = Annotation {
                id,
                label: (*label_id).into(),
                fragments: fragments.clone(),
                annotator: ANNOTATOR.into(),
                created: time,
                modified: time,
                note: code.note.into(),
                attributes: BTreeMap::new(),
            };
            apply(&mut project, Edit::AddAnnotation { document: "d1".into(), annotation })
                .map_err(|source| SampleError::Edit { label: (*label_id).into(), at: at.clone(), source })?;
            ids.push(id);
        }
        if let Some(key) = code.key {
            if code.labels != ["actor"] {
                let labels = code.labels.iter().map(|l| (*l).to_owned()).collect();
                return Err(SampleError::KeyOnNonActor { label, at, labels });
            }
            if keys.insert(key, ids[0]).is_some() {
                return Err(SampleError::DuplicateKey { label, at, key: key.into() });
            }
        }
        made.push((code, ids));
    }

    for (code, ids) in made {
        let links = [("attributed_to", "by", code.by), ("about", "about", code.about)];
        for (kind, role, key) in links {
            let Some(key) = key else { continue };
            let Some(&target) = keys.get(key) else {
                let label = code.labels.join("+");
                return Err(SampleError::UnknownKey { label, at: code.at.into(), role, key: key.into() });
            };
            for &source in &ids {
                let relation = Relation {
                    id: content_id(&format!("relation {kind} {source} {target}")),
                    kind: kind.into(),
                    from: source,
                    to: target,
                    annotator: ANNOTATOR.into(),
                    created: time,
                    modified: time,
                    note: String::new(),
                };
                apply(&mut project, Edit::AddRelation { document: "d1".into(), relation }).map_err(|source| {
                    SampleError::Edit { label: format!("{kind} relation of"), at: code.at.into(), source }
                })?;
            }
        }
    }
    Ok(project)
}
