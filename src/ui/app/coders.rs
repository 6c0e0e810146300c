//! Several coders in one project: bringing in coders' files (File › Bring in coders' files…),
//! whose layers the window shows (View › Coders, the Coders panel), each document's status per
//! coder (Document › Mark done for me) and blind coding (a project setting: a coder sees only
//! their own layer on a document until they mark it done).
//!
//! Which annotations are visible is one [`LayerFilter`] used by the view (painting, hovering, hit
//! testing), the annotation list and Tab, so a hidden layer can never be clicked or listed.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::SpanwiseApp;
use crate::edit::Edit;
use crate::model::{CodingStatus, Document, slug};
use crate::ui::commands::Command;
use crate::ui::dialogs::{CombineDialog, Combined, Dialog, FileDialogPurpose, project_files};
use crate::ui::doc_view::{CoderLayer, CoderStyle};
use crate::ui::layer_filter::LayerFilter;

/// Whose layers are shown (View › Coders, the Coders panel).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CoderChoice {
    /// Every coder's.
    #[default]
    All,
    /// Only my own.
    Mine,
    /// These coders' (annotator ids).
    Chosen(BTreeSet<String>),
}

/// The window's state about coders (view state: not saved in the project).
#[derive(Debug, Default)]
pub struct CodersState {
    pub choice: CoderChoice,
    pub panel_open: bool,
}

/// Why others' layers are hidden on a document with blind coding on.
pub const BLIND_REASON: &str =
    "Blind coding: other coders' layers stay hidden until you mark this document done (Document › Mark done for me)";

impl SpanwiseApp {
    /// My annotator id (from the name annotations are recorded with).
    pub fn my_annotator_id(&self) -> String {
        slug(&self.settings.annotator_name)
    }

    /// Whether blind coding keeps others' layers on `document` from me now.
    pub fn blinded(&self, document: &Document) -> bool {
        !self.project().layer_revealed(document, &self.my_annotator_id(), "")
    }

    /// The coders whose layers are shown on `document`; `None`: everyone's.
    pub fn shown_coders(&self, document: &Document) -> Option<BTreeSet<String>> {
        let me = self.my_annotator_id();
        let chosen = match &self.coders.choice {
            CoderChoice::All => None,
            CoderChoice::Mine => Some(BTreeSet::from([me.clone()])),
            CoderChoice::Chosen(set) => Some(set.clone()),
        };
        if !self.blinded(document) {
            return chosen;
        }
        // Blind: my own layer at most, whatever was chosen.
        Some(match chosen {
            Some(set) if !set.contains(&me) => BTreeSet::new(),
            _ => BTreeSet::from([me]),
        })
    }

    /// What is hidden on `document`: labels (navigator) and coders (View › Coders, blind coding).
    pub fn layer_filter(&self, document: &Document) -> LayerFilter {
        LayerFilter { hidden_labels: self.hidden_labels.clone(), shown_coders: self.shown_coders(document) }
    }

    /// The coders shown and their underline styles, when more than one coder's layer is shown;
    /// styles follow the project's list of annotators, so a coder keeps theirs across documents.
    pub fn coder_layers(&self, document: &Document) -> Vec<CoderLayer> {
        let shown = self.shown_coders(document);
        let layers: Vec<CoderLayer> = self
            .project()
            .annotators
            .iter()
            .enumerate()
            .filter(|(_, a)| shown.as_ref().is_none_or(|s| s.contains(&a.id)))
            .map(|(i, a)| CoderLayer { id: a.id.clone(), name: a.name.clone(), style: CoderStyle::nth(i) })
            .collect();
        if layers.len() > 1 { layers } else { Vec::new() }
    }

    /// How many annotations the list shows (after label and coder filters), and its one-line
    /// summary, as drawn last frame.
    pub fn annotation_list(&self) -> (usize, String) {
        (self.list_cache.len(), self.list_cache.summary(&self.project().codebook))
    }

    /// My status on the shown document.
    pub fn my_status(&self) -> Option<CodingStatus> {
        self.document().map(|d| d.coder_status(&self.my_annotator_id()))
    }

    pub(crate) fn coders_command_enabled(&self, command: &Command) -> bool {
        match command {
            Command::MarkDone => self.my_status().is_some_and(|s| s != CodingStatus::Done),
            Command::MarkNotDone => self.my_status() == Some(CodingStatus::Done),
            _ => true,
        }
    }

    /// Menu text that says what is on now.
    pub(crate) fn coders_menu_text(&self, command: &Command, text: &str) -> String {
        let on = match command {
            Command::ToggleBlindCoding => self.project().blind_coding,
            Command::ShowAllCoders => self.coders.choice == CoderChoice::All,
            Command::ShowOnlyMyLayer => self.coders.choice == CoderChoice::Mine,
            _ => false,
        };
        if on { format!("{text} (on)") } else { text.to_owned() }
    }

    /// Runs the coders' commands; hands every other command back.
    pub(super) fn run_coders_command(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::BringInCoders => {
                let dir = self.start_dir();
                self.ask_for_file(FileDialogPurpose::BringInCoders, dir, None);
            }
            Command::BringInCodersFrom(paths) => self.bring_in(&paths),
            Command::ApplyCombine(combined) => self.apply_combine(*combined),
            Command::ToggleCodersPanel => self.coders.panel_open = !self.coders.panel_open,
            Command::ShowAllCoders => self.coders.choice = CoderChoice::All,
            Command::ShowOnlyMyLayer => self.coders.choice = CoderChoice::Mine,
            Command::ToggleCoder(id) => self.toggle_coder(id),
            Command::MarkDone => self.set_my_status(Some(CodingStatus::Done)),
            Command::MarkNotDone => self.set_my_status(None),
            Command::ToggleBlindCoding => {
                let on = !self.project().blind_coding;
                if let Err(err) = self.session.apply(Edit::SetBlindCoding(on)) {
                    self.status = Some(format!("Cannot change blind coding: {err}"));
                } else {
                    self.status = Some(if on {
                        "Blind coding on: each coder sees only their own layer until they mark a document done".into()
                    } else {
                        "Blind coding off".into()
                    });
                }
            }
            other => return Some(other),
        }
        None
    }

    /// Shows or hides one coder's layer: from "all" or "mine", the set starts as what was shown.
    fn toggle_coder(&mut self, id: String) {
        let mut set = match &self.coders.choice {
            CoderChoice::All => self.project().annotators.iter().map(|a| a.id.clone()).collect(),
            CoderChoice::Mine => BTreeSet::from([self.my_annotator_id()]),
            CoderChoice::Chosen(set) => set.clone(),
        };
        if !set.remove(&id) {
            set.insert(id);
        }
        let everyone = self.project().annotators.iter().all(|a| set.contains(&a.id));
        self.coders.choice = if everyone { CoderChoice::All } else { CoderChoice::Chosen(set) };
    }

    fn set_my_status(&mut self, status: Option<CodingStatus>) {
        let Some(document) = self.current_document.clone() else {
            self.status = Some("Open a document first".into());
            return;
        };
        if self.settings.annotator_name.trim().is_empty() {
            self.status = Some("Say who you are first (Edit › Annotator name…)".into());
            return;
        }
        let me = self.my_annotator_id();
        let mut edits = Vec::new();
        if self.project().annotator(&me).is_none() {
            let name = self.settings.annotator_name.trim().to_owned();
            edits.push(Edit::AddAnnotator(crate::model::Annotator { id: me.clone(), name }));
        }
        edits.push(Edit::SetCodingStatus { document, annotator: me, status });
        match self.session.apply(Edit::Batch(edits)) {
            Ok(()) => {
                self.status = Some(match status {
                    Some(CodingStatus::Done) => "Marked done for you".to_owned(),
                    _ => "Marked not done for you (in progress)".to_owned(),
                });
            }
            Err(err) => self.status = Some(format!("Cannot change your status: {err}")),
        }
    }

    /// Reads the chosen files (or folders) and matches them on a worker thread (the dialog).
    fn bring_in(&mut self, paths: &[PathBuf]) {
        let own = self.session.path().map(std::path::Path::to_owned);
        match project_files(paths, own.as_deref()) {
            Ok(files) if files.is_empty() => self.show_dialog(Dialog::Error {
                title: "Nothing to bring in".into(),
                message: "The only project file chosen is the open project itself.".into(),
            }),
            Ok(files) => {
                let project = self.project().clone();
                self.show_dialog(Dialog::Combine(Box::new(CombineDialog::start(files, project))));
            }
            Err(message) => self.show_dialog(Dialog::Error { title: "Cannot bring in the files".into(), message }),
        }
    }

    /// Applies what bringing in computed as one undo step, then shows the report.
    fn apply_combine(&mut self, combined: Combined) {
        if combined.changes_anything()
            && let Err(err) = self.session.apply(combined.edit.clone())
        {
            self.show_dialog(Dialog::Error {
                title: "Cannot bring in the files".into(),
                message: format!("{err}\n\nNothing was changed."),
            });
            return;
        }
        self.sync_with_session();
        self.status = Some(combined.status());
        self.show_dialog(Dialog::Combine(Box::new(CombineDialog::report(&combined))));
    }

    /// The coders part of the state report (`SPANWISE_STATE_REPORT`): who is shown and each
    /// coder's status on the shown document.
    pub(super) fn coders_state_report(&self) -> String {
        let Some(document) = self.document() else {
            return format!("coders=\nblind={}\nblinded=no\n", self.project().blind_coding);
        };
        let shown = self.shown_coders(document);
        let coders: Vec<String> = self
            .project()
            .annotators
            .iter()
            .map(|a| {
                let visible = shown.as_ref().is_none_or(|s| s.contains(&a.id));
                let status = document.coder_status(&a.id).name();
                format!("{}:{}:{status}", a.id, if visible { "shown" } else { "hidden" })
            })
            .collect();
        format!(
            "coders={}\nblind={}\nblinded={}\n",
            coders.join(","),
            self.project().blind_coding,
            if self.blinded(document) { "yes" } else { "no" }
        )
    }
}
