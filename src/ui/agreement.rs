//! The Agreement panel's state: which coders and documents, the report (computed on a worker
//! thread and kept until the project or the choice changes), the chart's export, and the compare
//! view (two coders on the shown document, the disagreement being looked at). The numbers come
//! from `analysis::agreement` and are shown and exported as `spanwise agree` prints and writes
//! them (`analysis::report`).

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

use crate::analysis::agreement::{AgreementReport, agreement};
use crate::analysis::attributes::{ValueAgreement, all_attribute_agreements};
use crate::analysis::compare::Comparison;
use crate::analysis::layers::Selection;
use crate::analysis::report::{agreement_csv, undefined_lines};
use crate::analysis::{GOLD_ANNOTATOR, Undefined};
use crate::model::Project;

use super::worker::Worker;

/// What the Agreement panel and the compare view ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum AgreementCommand {
    /// The coders to compare, in order (the first is the F1 reference); `None`: the default.
    SetCoders(Option<Vec<String>>),
    /// Only the shown document (`true`) or all documents.
    SetThisDocumentOnly(bool),
    /// Compute the report (and the comparison) again now (large projects wait for this).
    Recompute,
    /// Show the compare view (`true`) or the agreement numbers and chart.
    ShowCompare(bool),
    /// Show the chart per label (`false`) or per document (`true`).
    SetChartByDocument(bool),
    /// Ask where to write the CSV / the PNG.
    ExportCsv,
    ExportCsvTo(PathBuf),
    ExportPng,
    ExportPngTo(PathBuf),
    /// Compare these two coders on the shown document.
    SetPair {
        a: String,
        b: String,
    },
    /// Look at disagreement number `index` (select it, scroll the text to it).
    GoTo(usize),
    /// Put a disagreement's side(s) into the gold layer (one undo step).
    Adjudicate {
        index: usize,
        pick: Pick,
    },
    /// Copy every annotation both coders made identically into the gold layer (one undo step).
    AcceptAgreements,
}

/// Which side of a disagreement goes into the gold layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pick {
    A,
    B,
    Both,
}

impl Pick {
    pub fn text(self) -> &'static str {
        match self {
            Pick::A => "Accept A",
            Pick::B => "Accept B",
            Pick::Both => "Accept both",
        }
    }
}

/// What writing the PNG came to: its size in pixels, or why it failed.
pub(crate) type PngResult = Result<(u32, u32), String>;

/// A report and everything the panel shows with it, for one state of the project and choice.
#[derive(Clone, Debug)]
pub struct Computed {
    pub report: AgreementReport,
    /// Attribute id and its agreement (or why there is none).
    pub attributes: Vec<(String, Result<ValueAgreement, Undefined>)>,
    /// The bootstrapped confidence interval of each attribute's alpha (in `attributes` order),
    /// computed here, off the window thread.
    pub intervals: Vec<Option<crate::analysis::bootstrap::AlphaInterval>>,
    /// The `--csv` text.
    pub csv: String,
    /// "quote alpha_u: no coder marked any Quote", as the CLI lists them.
    pub undefined: Vec<String>,
}

/// What the report was computed for: the project's state and the choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ReportKey {
    pub project: u64,
    pub choice: u64,
}

/// The Agreement panel's state.
#[derive(Default)]
pub struct AgreementState {
    pub panel_open: bool,
    /// Chosen coders in order; `None` is the default (everyone with annotations but `gold`).
    pub coders: Option<Vec<String>>,
    pub this_document_only: bool,
    pub chart_by_document: bool,
    /// The compare view is shown (else the numbers and the chart).
    pub compare_shown: bool,
    /// The last report and what it was computed for.
    pub computed: Option<(ReportKey, Result<Computed, String>)>,
    /// The report being computed.
    pub(crate) job: Option<(ReportKey, Worker<Result<Computed, String>>)>,
    /// The user asked for a new report (large projects are not recomputed after every edit).
    pub(crate) recompute: bool,
    /// Projects with more annotations wait for "Compute again"; `None`: [`AUTOMATIC_LIMIT`].
    pub automatic_limit: Option<usize>,
    /// Where the chart is on screen (points), for the PNG.
    pub(crate) chart_rect: Option<egui::Rect>,
    /// A PNG asked for, waiting for the chart to be fully on screen.
    pub(crate) png_wanted: Option<PathBuf>,
    /// Frames the PNG has waited for the chart to scroll into view.
    pub(crate) png_frames: u32,
    /// A PNG being written from a screenshot: the path, and the answer when it comes.
    pub(crate) png: Option<(PathBuf, Receiver<PngResult>)>,
    /// What the last export wrote (or why it failed), shown under the buttons.
    pub export_note: Option<String>,
    pub compare: CompareState,
}

/// The compare view: two coders on the shown document.
#[derive(Default)]
pub struct CompareState {
    /// Coder A and B; `None` until the panel first shows (then the first two coders).
    pub pair: Option<(String, String)>,
    /// The comparison and what it was made for (document, revision, generation, pair).
    pub comparison: Option<(u64, Comparison)>,
    /// The comparison being made (on a worker thread).
    pub(crate) job: Option<(u64, Worker<Comparison>)>,
    /// The disagreement being looked at.
    pub current: Option<usize>,
    /// The disagreement the list was last scrolled to.
    pub(crate) scrolled_to: Option<usize>,
}

/// Projects with more annotations than this are not recomputed after every edit while the panel
/// is open (copying them for the worker takes a noticeable moment): the panel says the numbers
/// are out of date and offers to compute them again.
pub const AUTOMATIC_LIMIT: usize = 100_000;

impl CompareState {
    /// A new comparison: the disagreement looked at stays if it is the same document and pair
    /// and the index still exists (after an edit elsewhere), else none is.
    pub(crate) fn set(&mut self, key: u64, comparison: Comparison) {
        let same = self
            .comparison
            .as_ref()
            .is_some_and(|(_, c)| c.document == comparison.document && c.a == comparison.a && c.b == comparison.b);
        let count = comparison.disagreements.len();
        self.current = self.current.filter(|&i| same && i < count);
        self.comparison = Some((key, comparison));
    }
}

impl AgreementState {
    /// Whether a report is being computed.
    pub fn computing(&self) -> bool {
        self.job.is_some()
    }

    /// The report, when it is computed for the current key.
    pub fn ready(&self, key: ReportKey) -> Option<&Result<Computed, String>> {
        self.computed.as_ref().filter(|(k, _)| *k == key).map(|(_, c)| c)
    }

    /// The last report computed, current or not.
    pub fn last(&self) -> Option<&Computed> {
        self.computed.as_ref().and_then(|(_, c)| c.as_ref().ok())
    }

    /// One line for the state report of the real-window tests.
    pub fn describe(&self) -> String {
        let state = match (&self.job, &self.computed) {
            (Some(_), _) => "computing",
            (None, Some((_, Ok(_)))) => "ready",
            (None, Some((_, Err(_)))) => "failed",
            (None, None) => "none",
        };
        let current = self.compare.current.map_or("none".to_owned(), |i| (i + 1).to_string());
        let count = self.compare.comparison.as_ref().map_or(0, |(_, c)| c.disagreements.len());
        let coders = self.last().map(|c| c.report.annotators.join(",")).unwrap_or_default();
        let chart = self.chart_rect.map_or(String::new(), |r| format!("{:.0}x{:.0}", r.width(), r.height()));
        format!(
            "agreement_panel={}\nagreement={state}\nagreement_coders={coders}\ndisagreement={current}/{count}\n\
             agreement_chart={chart}\nagreement_export={}\n",
            self.panel_open,
            self.export_note.as_deref().unwrap_or_default()
        )
    }
}

/// A fingerprint of what agreement depends on: the project (replaced or not), its documents'
/// revisions (every edit, undo and redo moves one), the codebook's labels and the annotators.
pub fn project_key(project: &Project, generation: u64) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    generation.hash(&mut hasher);
    for document in &project.documents {
        document.id.hash(&mut hasher);
        document.revision().hash(&mut hasher);
    }
    for label in &project.codebook.labels {
        label.id.hash(&mut hasher);
        label.name.hash(&mut hasher);
    }
    for annotator in &project.annotators {
        annotator.id.hash(&mut hasher);
    }
    hasher.finish()
}

/// A fingerprint of the panel's choice.
pub fn choice_key(coders: Option<&[String]>, documents: Option<&[String]>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    coders.hash(&mut hasher);
    documents.hash(&mut hasher);
    hasher.finish()
}

/// Everything the panel shows, for `coders` (or the default) on `documents` (or all).
pub fn compute(project: &Project, coders: Option<&[String]>, documents: Option<&[String]>) -> Result<Computed, String> {
    let report = agreement(project, coders, documents).map_err(|e| e.to_string())?;
    let selection = Selection { annotators: report.annotators.clone(), documents: report.documents.clone() };
    let attributes = all_attribute_agreements(project, &selection);
    let intervals = attributes
        .iter()
        .map(|(_, result)| result.as_ref().ok().and_then(crate::analysis::report::attribute_interval))
        .collect();
    let csv = agreement_csv(&report);
    let undefined = undefined_lines(&report, project);
    Ok(Computed { report, attributes, intervals, csv, undefined })
}

/// The default coders: everyone with annotations except `gold`, in project order.
pub fn default_coders(project: &Project) -> Vec<String> {
    Selection::resolve(project, None, None).map(|s| s.annotators).unwrap_or_default()
}

/// Every annotator of the project, `gold` last if there is one.
pub fn all_annotators(project: &Project) -> Vec<String> {
    let mut ids: Vec<String> = project.annotators.iter().map(|a| a.id.clone()).collect();
    ids.sort_by_key(|id| id == GOLD_ANNOTATOR);
    ids
}

/// The PNG's result, when it has come: the size written, or why not.
pub(crate) fn poll_png(receiver: &Receiver<PngResult>) -> Option<PngResult> {
    match receiver.try_recv() {
        Ok(result) => Some(result),
        Err(TryRecvError::Empty) => None,
        Err(TryRecvError::Disconnected) => Some(Err("the window was not rendered".into())),
    }
}

/// An RGBA image as PNG bytes.
pub(crate) fn encode_png(image: &egui::ColorImage) -> Result<Vec<u8>, String> {
    let [width, height] = image.size;
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width as u32, height as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        let data: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
        writer.write_image_data(&data).map_err(|e| e.to_string())?;
    }
    Ok(bytes)
}
