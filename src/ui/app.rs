//! The application: owns the project, its history and the UI state; draws the panels; applies the
//! commands widgets emit, after the frame.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use egui::{Color32, Key, RichText};

use crate::edit::{Edit, History};
use crate::formats;
use crate::model::{Annotation, Annotator, IdGenerator, ItemId, Project, now, slug};
use crate::settings::{Settings, Theme};
use crate::store;

use super::annotation_list::AnnotationListCache;
use super::commands::Command;
use super::dialogs::{Dialog, FileDialogPurpose};
use super::doc_view::{DocView, excerpt, label_color};
use super::native_dialogs::NativeDialogs;

mod safety;

pub use safety::{FileChange, FileChangeChoice, POLL_INTERVAL, RecoveryOffer};

/// What to do once the user has decided about unsaved changes.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterConfirm {
    Quit,
    Open(PathBuf),
    NewProject,
    ShowOpenDialog,
    /// Take the recovery the user accepted (`Safety::pending_offer`).
    RecoverPending,
}

/// Where settings live; `None` keeps them in memory only (tests).
pub struct AppConfig {
    pub settings: Settings,
    pub settings_path: Option<PathBuf>,
}

impl AppConfig {
    /// The user's settings from the standard location.
    pub fn from_environment() -> Self {
        let settings_path = Settings::default_path();
        let settings = settings_path.as_deref().map(Settings::load).unwrap_or_default();
        Self { settings, settings_path }
    }
}

pub struct SpanwiseApp {
    pub project: Project,
    pub history: History,
    /// Where the project is saved; `None` until first saved.
    pub project_path: Option<PathBuf>,
    pub settings: Settings,
    settings_path: Option<PathBuf>,
    ids: IdGenerator,
    /// Id of the document shown.
    pub current_document: Option<String>,
    pub view: Option<DocView>,
    pub selected_annotation: Option<ItemId>,
    /// Labels hidden in the list and the text.
    pub hidden_labels: BTreeSet<String>,
    pub list_search: String,
    list_cache: AnnotationListCache,
    pub dialog: Option<Dialog>,
    /// Commands queued by widgets this frame.
    pending: Vec<Command>,
    /// Message in the status bar (errors and confirmations).
    pub status: Option<String>,
    /// The user confirmed quitting despite unsaved changes.
    allowed_to_close: bool,
    /// Title last sent to the window.
    shown_title: String,
    /// Note being edited in the inspector: (annotation, text).
    note_buffer: Option<(ItemId, String)>,
    /// Where "Save" goes for a project made from a text and not saved yet.
    suggested_path: Option<PathBuf>,
    /// Close the window at the end of this frame.
    quit_requested: bool,
    /// What to do after the next successful save ("Save" in the unsaved-changes dialog).
    pub(crate) after_save: Option<AfterConfirm>,
    /// Autosave journal, recovery, lock and the file on disk.
    safety: safety::Safety,
    /// The system's file dialogs, when `ui::run` installed them.
    pub(crate) native_dialogs: NativeDialogs,
}

impl SpanwiseApp {
    pub fn new(config: AppConfig) -> Self {
        let safety = safety::Safety::new(config.settings_path.as_deref());
        let mut app = Self {
            project: Project::new("Untitled"),
            history: History::new(),
            project_path: None,
            settings: config.settings,
            settings_path: config.settings_path,
            ids: IdGenerator::from_entropy(),
            current_document: None,
            view: None,
            selected_annotation: None,
            hidden_labels: BTreeSet::new(),
            list_search: String::new(),
            list_cache: AnnotationListCache::default(),
            dialog: None,
            pending: Vec::new(),
            status: None,
            allowed_to_close: false,
            shown_title: String::new(),
            note_buffer: None,
            suggested_path: None,
            quit_requested: false,
            after_save: None,
            safety,
            native_dialogs: NativeDialogs::default(),
        };
        app.history.set_recording(true);
        if app.settings.annotator_name.trim().is_empty() {
            app.dialog = Some(Dialog::AnnotatorName { input: String::new() });
        }
        app
    }

    /// Opens a project or text given on the command line.
    pub fn with_file(mut self, path: &Path) -> Self {
        self.open_path(path);
        self
    }

    /// Queues a command, as a menu or button would.
    pub fn command(&mut self, command: Command) {
        self.pending.push(command);
    }

    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    pub fn document(&self) -> Option<&crate::model::Document> {
        self.project.document(self.current_document.as_deref()?)
    }

    /// The window title: project name, unsaved marker, app name.
    pub fn title(&self) -> String {
        let name = match &self.project_path {
            Some(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            None => self.project.name.clone(),
        };
        let marker = if self.is_dirty() { "● " } else { "" };
        format!("{marker}{name} — Spanwise")
    }

    fn annotator_id(&self) -> String {
        slug(&self.settings.annotator_name)
    }

    pub(crate) fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path
            && let Err(err) = self.settings.save(path)
        {
            self.status = Some(format!("Could not save settings: {err}"));
        }
    }

    fn set_project(&mut self, project: Project, path: Option<PathBuf>, dirty: bool) {
        self.project = project;
        self.project_path = path;
        self.history = History::new();
        self.history.set_recording(true);
        if dirty {
            self.history.mark_unsaved();
        }
        self.selected_annotation = None;
        self.note_buffer = None;
        self.current_document = None;
        self.view = None;
        if let Some(first) = self.project.documents.first().map(|d| d.id.clone()) {
            self.select_document(&first);
        }
    }

    fn select_document(&mut self, document_id: &str) {
        let Some(document) = self.project.document(document_id) else {
            return;
        };
        self.view = Some(DocView::new(document));
        self.current_document = Some(document_id.to_owned());
        self.selected_annotation = None;
        self.note_buffer = None;
    }

    /// Opens a project file as the project, or a text as a new project holding it.
    fn open_path(&mut self, path: &Path) {
        if store::is_project_path(path) {
            match store::load_file(path) {
                Ok(loaded) => {
                    self.leave_project();
                    self.set_project(loaded.project, Some(path.to_owned()), false);
                    self.status = Some(format!("Opened {}", path.display()));
                    self.opened_file(path, loaded.stamp, loaded.unknown);
                    self.settings.add_recent(path);
                    self.save_settings();
                }
                Err(err) => {
                    self.dialog = Some(Dialog::Error {
                        title: format!("Cannot open {}", path.display()),
                        message: err.to_string(),
                    })
                }
            }
        } else {
            let mut project =
                Project::new(path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            match formats::import_path(path, project.fresh_document_id()) {
                Ok(document) => {
                    project.documents.push(document);
                    // A new project is saved beside the text unless the user picks another place.
                    self.leave_project();
                    self.set_project(project, None, true);
                    self.opened_unsaved();
                    self.suggested_path = Some(store::project_path_for(path));
                    self.settings.add_recent(path);
                    self.save_settings();
                    self.status = Some(format!("Imported {}; save to create the project file", path.display()));
                }
                Err(err) => {
                    self.dialog = Some(Dialog::Error { title: "Cannot open the text".into(), message: err.to_string() })
                }
            }
        }
    }

    fn add_document_path(&mut self, path: &Path) {
        match formats::import_path(path, self.project.fresh_document_id()) {
            Ok(document) => {
                if let Some(existing) = self.project.documents.iter().find(|d| d.sha256 == document.sha256) {
                    self.status =
                        Some(format!("{} is already in the project as \"{}\"", path.display(), existing.name));
                    return;
                }
                let id = document.id.clone();
                let index = self.project.documents.len();
                self.apply(Edit::AddDocument { index, document: Box::new(document) });
                self.select_document(&id);
                self.settings.add_recent(path);
                self.save_settings();
            }
            Err(err) => {
                self.dialog = Some(Dialog::Error { title: "Cannot add the document".into(), message: err.to_string() })
            }
        }
    }

    fn apply(&mut self, edit: Edit) {
        self.before_change();
        if let Err(err) = self.history.apply(&mut self.project, edit) {
            self.status = Some(format!("Not changed: {err}"));
        }
        self.after_history();
        self.after_change();
    }

    /// Keeps UI state consistent with the project after any change.
    fn after_change(&mut self) {
        if let Some(id) = &self.current_document
            && self.project.document(id).is_none()
        {
            self.current_document = None;
            self.view = None;
            if let Some(first) = self.project.documents.first().map(|d| d.id.clone()) {
                self.select_document(&first);
            }
        }
        if self.current_document.is_none()
            && let Some(first) = self.project.documents.first().map(|d| d.id.clone())
        {
            self.select_document(&first);
        }
        if let Some(selected) = self.selected_annotation
            && self.document().and_then(|d| d.annotation(selected)).is_none()
        {
            self.selected_annotation = None;
            self.note_buffer = None;
        }
    }

    fn save_to(&mut self, path: &Path) -> bool {
        if !self.may_save_to(path) {
            self.after_save = None;
            return false;
        }
        match store::save_file_with(&self.project, path, &self.safety.unknown) {
            Ok(stamp) => {
                let moved = self.project_path.as_deref() != Some(path);
                self.project_path = Some(path.to_owned());
                self.saved(stamp, moved);
                self.history.mark_saved();
                self.settings.add_recent(path);
                self.save_settings();
                self.status = Some(format!("Saved {}", path.display()));
                if let Some(after) = self.after_save.take() {
                    self.run_after_confirm(after);
                }
                true
            }
            Err(err) => {
                self.dialog = Some(Dialog::Error {
                    title: "Not saved".into(),
                    message: format!("{err}\n\nYour work is still open; try Save as… to save it elsewhere."),
                });
                false
            }
        }
    }

    fn selected_annotation(&self) -> Option<&Annotation> {
        self.document()?.annotation(self.selected_annotation?)
    }

    /// Tags the text selection (trimmed of surrounding white space) with `label`.
    fn tag_selection(&mut self, label: &str) {
        let Some(document_id) = self.current_document.clone() else {
            return;
        };
        let Some(range) = self.view.as_ref().and_then(DocView::selected_range) else {
            // No text selected: a label key relabels the selected annotation.
            if self.selected_annotation.is_some() {
                self.relabel(label);
            } else {
                self.status = Some("Select some text first, then press a label key".into());
            }
            return;
        };
        let Some(document) = self.project.document(&document_id) else {
            return;
        };
        let Some(text) = document.slice(range.clone()) else {
            return;
        };
        let leading = text.chars().take_while(|c| c.is_whitespace()).count();
        let trailing = text.chars().rev().take_while(|c| c.is_whitespace()).count();
        if leading == range.len() {
            self.status = Some("The selection is only white space".into());
            return;
        }
        let range = range.start + leading..range.end - trailing;
        let Some(fragment) = document.fragment(range) else {
            return;
        };
        if self.settings.annotator_name.trim().is_empty() {
            self.dialog = Some(Dialog::AnnotatorName { input: String::new() });
            return;
        }
        let annotator = self.annotator_id();
        let mut edits = Vec::new();
        if self.project.annotator(&annotator).is_none() {
            edits.push(Edit::AddAnnotator(Annotator {
                id: annotator.clone(),
                name: self.settings.annotator_name.trim().to_owned(),
            }));
        }
        let mut id = self.ids.next_id();
        while self.project.id_in_use(id) {
            id = self.ids.next_id();
        }
        let time = now();
        edits.push(Edit::AddAnnotation {
            document: document_id,
            annotation: Annotation {
                id,
                label: label.to_owned(),
                fragments: vec![fragment],
                annotator,
                created: time,
                modified: time,
                note: String::new(),
                attributes: Default::default(),
            },
        });
        self.apply(Edit::Batch(edits));
        if let Some(view) = &mut self.view {
            view.clear_selection();
        }
        self.selected_annotation = Some(id);
    }

    fn update_selected(&mut self, change: impl FnOnce(&mut Annotation, &crate::model::Document) -> bool) {
        let Some(document_id) = self.current_document.clone() else {
            return;
        };
        let Some(document) = self.project.document(&document_id) else {
            return;
        };
        let Some(mut annotation) = self.selected_annotation().cloned() else {
            return;
        };
        if !change(&mut annotation, document) {
            return;
        }
        annotation.modified = now();
        self.apply(Edit::UpdateAnnotation { document: document_id, annotation });
    }

    fn relabel(&mut self, label: &str) {
        let label = label.to_owned();
        self.update_selected(|annotation, _| {
            let changed = annotation.label != label;
            annotation.label = label;
            changed
        });
    }

    fn nudge(&mut self, start: bool, delta: isize) {
        self.update_selected(|annotation, document| {
            let (first, last) = (annotation.start(), annotation.end());
            let (new_start, new_end) = if start {
                (first.checked_add_signed(delta), Some(last))
            } else {
                (Some(first), last.checked_add_signed(delta))
            };
            let (Some(new_start), Some(new_end)) = (new_start, new_end) else {
                return false;
            };
            if new_start >= new_end || new_end > document.char_len() {
                return false;
            }
            // Only the outer boundary of the first/last fragment moves.
            let count = annotation.fragments.len();
            let index = if start { 0 } else { count - 1 };
            let fragment = &annotation.fragments[index];
            let range = if start { new_start..fragment.end } else { fragment.start..new_end };
            if range.start >= range.end {
                return false;
            }
            match document.fragment(range) {
                Some(fragment) => {
                    annotation.fragments[index] = fragment;
                    true
                }
                None => false,
            }
        });
    }

    fn span_to_selection(&mut self) {
        let Some(range) = self.view.as_ref().and_then(DocView::selected_range) else {
            self.status = Some("Select the new extent in the text first".into());
            return;
        };
        self.update_selected(|annotation, document| match document.fragment(range) {
            Some(fragment) => {
                annotation.fragments = vec![fragment];
                true
            }
            None => false,
        });
        if let Some(view) = &mut self.view {
            view.clear_selection();
        }
    }

    fn set_note(&mut self, annotation_id: ItemId, note: String) {
        if self.selected_annotation != Some(annotation_id) {
            return;
        }
        self.update_selected(|annotation, _| {
            let changed = annotation.note != note;
            annotation.note = note;
            changed
        });
    }

    /// Runs `after` now, or asks first if there are unsaved changes.
    fn confirm_then(&mut self, after: AfterConfirm) {
        if self.is_dirty() {
            self.dialog = Some(Dialog::ConfirmDiscard { after });
        } else {
            self.run_after_confirm(after);
        }
    }

    pub(crate) fn run_after_confirm(&mut self, after: AfterConfirm) {
        match after {
            AfterConfirm::Quit => {
                self.leave_project();
                self.allowed_to_close = true;
                self.quit_requested = true;
            }
            AfterConfirm::Open(path) => self.open_path(&path),
            AfterConfirm::NewProject => {
                self.leave_project();
                self.set_project(Project::new("Untitled"), None, false);
                self.opened_unsaved();
            }
            AfterConfirm::RecoverPending => {
                if let Some(offer) = self.safety.pending_offer.take() {
                    // The user agreed to leave the open project's unsaved changes.
                    self.take_recovery(*offer);
                }
            }
            AfterConfirm::ShowOpenDialog => self.show_file_dialog(FileDialogPurpose::Open, self.start_dir(), None),
        }
    }

    fn start_dir(&self) -> PathBuf {
        self.project_path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_owned)
            .or_else(|| self.settings.recent_files.first().and_then(|p| p.parent()).map(Path::to_owned))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    fn run_command(&mut self, command: Command) {
        // A note being edited is committed before anything else happens.
        if !matches!(command, Command::SetNote(..)) {
            self.commit_note();
        }
        match command {
            Command::NewProject => self.confirm_then(AfterConfirm::NewProject),
            Command::Open => self.confirm_then(AfterConfirm::ShowOpenDialog),
            Command::OpenPath(path) => self.confirm_then(AfterConfirm::Open(path)),
            Command::AddDocument => self.show_file_dialog(FileDialogPurpose::AddDocument, self.start_dir(), None),
            Command::AddDocumentPath(path) => self.add_document_path(&path),
            Command::Save => match self.project_path.clone() {
                Some(path) => {
                    self.save_to(&path);
                }
                None => self.run_command(Command::SaveAs),
            },
            Command::SaveAs => {
                let suggested = self.project_path.clone().or_else(|| self.suggested_path.clone());
                self.show_file_dialog(FileDialogPurpose::SaveAs, self.start_dir(), suggested);
            }
            Command::SaveAsPath(path) => {
                let path = if path.to_string_lossy().ends_with(".ron") {
                    path
                } else {
                    let mut name = path.into_os_string();
                    name.push(store::EXTENSION);
                    PathBuf::from(name)
                };
                self.save_to(&path);
            }
            Command::Quit => self.confirm_then(AfterConfirm::Quit),
            Command::Undo => {
                if self.history.can_undo() {
                    self.before_change();
                }
                match self.history.undo(&mut self.project) {
                    Ok(true) => {}
                    Ok(false) => self.status = Some("Nothing to undo".into()),
                    Err(err) => self.status = Some(format!("Cannot undo: {err}")),
                }
                self.after_history();
                self.after_change();
            }
            Command::Redo => {
                if self.history.can_redo() {
                    self.before_change();
                }
                match self.history.redo(&mut self.project) {
                    Ok(true) => {}
                    Ok(false) => self.status = Some("Nothing to redo".into()),
                    Err(err) => self.status = Some(format!("Cannot redo: {err}")),
                }
                self.after_history();
                self.after_change();
            }
            Command::Tag(label) => self.tag_selection(&label),
            Command::Relabel(label) => self.relabel(&label),
            Command::DeleteAnnotation => {
                if let (Some(document), Some(id)) = (self.current_document.clone(), self.selected_annotation) {
                    self.apply(Edit::RemoveAnnotation { document, id });
                }
            }
            Command::SelectAnnotation(id) => {
                self.selected_annotation = Some(id);
            }
            Command::RevealAnnotation(id) => {
                self.selected_annotation = Some(id);
                let start = self.document().and_then(|d| d.annotation(id)).map(Annotation::start);
                if let (Some(view), Some(start)) = (&mut self.view, start) {
                    view.scroll_to = Some(start);
                }
            }
            Command::SelectDocument(id) => self.select_document(&id),
            Command::RemoveDocument(id) => self.apply(Edit::RemoveDocument { id }),
            Command::NudgeBoundary { start, delta } => self.nudge(start, delta),
            Command::SpanToSelection => self.span_to_selection(),
            Command::SetNote(id, note) => self.set_note(id, note),
            Command::SetAnnotatorName(name) => {
                self.settings.annotator_name = name.trim().to_owned();
                self.save_settings();
            }
            Command::ClearSelection => {
                if let Some(view) = &mut self.view {
                    view.clear_selection();
                }
                self.selected_annotation = None;
            }
            Command::ShowShortcuts => self.dialog = Some(Dialog::Shortcuts),
        }
    }

    fn commit_note(&mut self) {
        if let Some((id, text)) = self.note_buffer.clone() {
            let current = self.document().and_then(|d| d.annotation(id)).map(|a| a.note.clone());
            if current.is_some_and(|note| note != text) {
                self.set_note(id, text);
            }
        }
    }

    /// Global keyboard handling: shortcuts always; label keys and Delete only when no text field
    /// has focus.
    fn handle_keys(&mut self, ctx: &egui::Context) {
        if self.decision_pending() {
            // Nothing changes the project until the user has decided about their work.
            return;
        }
        for command in Command::with_shortcuts() {
            if let Some(shortcut) = command.shortcut()
                && ctx.input_mut(|i| i.consume_shortcut(&shortcut))
            {
                self.pending.push(command);
            }
        }
        if ctx.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, Key::Y))) {
            self.pending.push(Command::Redo);
        }
        if self.dialog.is_some() || ctx.text_edit_focused() {
            return;
        }
        let typed: Vec<String> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Text(text) if !i.modifiers.ctrl && !i.modifiers.command => Some(text.clone()),
                    _ => None,
                })
                .collect()
        });
        for text in typed {
            for ch in text.chars() {
                if let Some(label) = self.project.codebook.label_for_hotkey(ch) {
                    self.pending.push(Command::Tag(label.id.clone()));
                }
            }
        }
        if ctx.input(|i| i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace)) {
            self.pending.push(Command::DeleteAnnotation);
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            self.pending.push(Command::ClearSelection);
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        for path in dropped {
            // A project replaces the open one; a text joins the project, unless nothing is open yet.
            let starts_project =
                store::is_project_path(&path) || (self.project.documents.is_empty() && !self.is_dirty());
            if starts_project {
                self.pending.push(Command::OpenPath(path));
            } else {
                self.pending.push(Command::AddDocumentPath(path));
            }
        }
    }

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.allowed_to_close {
            if self.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.dialog = Some(Dialog::ConfirmDiscard { after: AfterConfirm::Quit });
            } else {
                self.leave_project();
                self.allowed_to_close = true;
            }
        }
        if self.quit_requested {
            self.quit_requested = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Draws one frame. Everything but the eframe glue, so tests can drive it headless.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let theme = match self.settings.theme {
            Theme::System => egui::ThemePreference::System,
            Theme::Light => egui::ThemePreference::Light,
            Theme::Dark => egui::ThemePreference::Dark,
        };
        if ctx.options(|o| o.theme_preference) != theme {
            ctx.set_theme(theme);
        }
        self.safety_tick(&ctx);
        self.native_dialog_tick(&ctx);
        self.handle_keys(&ctx);
        self.handle_dropped_files(&ctx);

        egui::Panel::top("menu_bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| self.menu_ui(ui));
        });
        egui::Panel::top("label_bar").show(ui, |ui| self.label_bar_ui(ui));
        if self.has_banner() {
            egui::Panel::top("safety_banner").show(ui, |ui| self.banner_ui(ui));
        }
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_ui(ui));
        egui::Panel::left("navigator")
            .resizable(true)
            .default_size(300.0)
            .min_size(200.0)
            .show(ui, |ui| self.navigator_ui(ui));
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(300.0)
            .min_size(220.0)
            .show(ui, |ui| self.inspector_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.document_ui(ui));

        if let Some(dialog) = self.dialog.take() {
            let (keep, commands) = dialog.ui(&ctx, self);
            // A dialog may have opened another dialog (e.g. an error); keep the newest.
            if keep.is_some() && self.dialog.is_none() {
                self.dialog = keep;
            }
            self.pending.extend(commands);
        }

        let commands = std::mem::take(&mut self.pending);
        if !commands.is_empty() {
            // Commands change what is shown (a dialog, the inspector): draw it now, not at the
            // next input event.
            ctx.request_repaint();
        }
        for command in commands {
            self.run_command(command);
        }
        self.handle_close_request(&ctx);
        let title = self.title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let shortcut_text = |ctx: &egui::Context, command: &Command| {
            command.shortcut().map(|s| ctx.format_shortcut(&s)).unwrap_or_default()
        };
        let ctx = ui.ctx().clone();
        let item = |ui: &mut egui::Ui, text: &str, command: Command, enabled: bool, pending: &mut Vec<Command>| {
            let button = egui::Button::new(text).shortcut_text(shortcut_text(&ctx, &command));
            if ui.add_enabled(enabled, button).clicked() {
                pending.push(command);
                ui.close();
            }
        };
        let mut pending = Vec::new();
        ui.menu_button("File", |ui| {
            item(ui, "New project", Command::NewProject, true, &mut pending);
            item(ui, "Open…", Command::Open, true, &mut pending);
            ui.menu_button("Open recent", |ui| {
                if self.settings.recent_files.is_empty() {
                    ui.label("No recent files");
                }
                for path in self.settings.recent_files.clone() {
                    if ui.button(path.display().to_string()).clicked() {
                        pending.push(Command::OpenPath(path));
                        ui.close();
                    }
                }
            });
            item(ui, "Add document…", Command::AddDocument, true, &mut pending);
            ui.separator();
            item(ui, "Save", Command::Save, self.safety.read_only.is_none(), &mut pending);
            item(ui, "Save as…", Command::SaveAs, true, &mut pending);
            ui.separator();
            item(ui, "Quit", Command::Quit, true, &mut pending);
        });
        ui.menu_button("Edit", |ui| {
            let undo = self.history.undo_description().map_or("Undo".to_owned(), |d| format!("Undo {d}"));
            let redo = self.history.redo_description().map_or("Redo".to_owned(), |d| format!("Redo {d}"));
            item(ui, &undo, Command::Undo, self.history.can_undo(), &mut pending);
            item(ui, &redo, Command::Redo, self.history.can_redo(), &mut pending);
            ui.separator();
            let has_annotation = self.selected_annotation.is_some();
            if ui.add_enabled(has_annotation, egui::Button::new("Delete annotation").shortcut_text("Del")).clicked() {
                pending.push(Command::DeleteAnnotation);
                ui.close();
            }
            ui.separator();
            if ui.button("Annotator name…").clicked() {
                self.dialog = Some(Dialog::AnnotatorName { input: self.settings.annotator_name.clone() });
                ui.close();
            }
        });
        ui.menu_button("View", |ui| {
            ui.label("Theme");
            let mut theme = self.settings.theme;
            ui.radio_value(&mut theme, Theme::System, "Follow the system");
            ui.radio_value(&mut theme, Theme::Light, "Light");
            ui.radio_value(&mut theme, Theme::Dark, "Dark");
            if theme != self.settings.theme {
                self.settings.theme = theme;
                self.save_settings();
            }
            ui.separator();
            self.file_chooser_setting_ui(ui);
        });
        ui.menu_button("Help", |ui| {
            item(ui, "Keyboard shortcuts", Command::ShowShortcuts, true, &mut pending);
        });
        self.pending.extend(pending);
    }

    fn label_bar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let has_selection = self.view.as_ref().and_then(DocView::selected_range).is_some();
            ui.label(if has_selection { "Tag selection as" } else { "Labels" });
            for label in self.project.codebook.labels.clone() {
                let color = label_color(&self.project.codebook, &label.id);
                let text = match label.hotkey {
                    Some(key) => format!("{key}  {}", label.name),
                    None => label.name.clone(),
                };
                let button = egui::Button::new(RichText::new(text).color(Color32::WHITE).strong()).fill(color);
                let response = ui.add(button).on_hover_text(if label.definition.is_empty() {
                    label.name.clone()
                } else {
                    label.definition.clone()
                });
                if response.clicked() {
                    self.pending.push(Command::Tag(label.id.clone()));
                }
            }
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let name = if self.settings.annotator_name.is_empty() {
                "(no name)"
            } else {
                self.settings.annotator_name.as_str()
            };
            if ui
                .link(format!("Annotator: {name}"))
                .on_hover_text("Change the name recorded on your annotations")
                .clicked()
            {
                self.dialog = Some(Dialog::AnnotatorName { input: self.settings.annotator_name.clone() });
            }
            ui.separator();
            let count = self.document().map_or(0, |d| d.annotations.len());
            ui.label(format!("{count} annotations in this document"));
            if let Some(range) = self.view.as_ref().and_then(DocView::selected_range) {
                ui.separator();
                ui.label(format!("Selected {}..{} ({} characters)", range.start, range.end, range.len()));
            }
            ui.separator();
            if self.is_dirty() {
                ui.label(RichText::new("Unsaved changes").color(ui.visuals().warn_fg_color));
                if self.journal_path().is_some() {
                    ui.label("(autosaved)").on_hover_text(
                        "Every change is written to a recovery journal as you work; if Spanwise or the computer \
                         stops, the next start offers to recover it",
                    );
                }
            } else {
                ui.label("Saved");
            }
            if let Some(status) = &self.status {
                ui.separator();
                ui.label(status);
            }
        });
    }

    fn navigator_ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("Documents");
        let mut pending = Vec::new();
        egui::ScrollArea::vertical().id_salt("documents").max_height(160.0).auto_shrink([false, true]).show(ui, |ui| {
            for document in &self.project.documents {
                let selected = self.current_document.as_deref() == Some(document.id.as_str());
                let text = format!("{}  ({})", excerpt(document.title(), 40), document.annotations.len());
                let response = ui.selectable_label(selected, text).on_hover_text(&document.name);
                if response.clicked() {
                    pending.push(Command::SelectDocument(document.id.clone()));
                }
                response.context_menu(|ui| {
                    if ui.button("Remove from project").clicked() {
                        pending.push(Command::RemoveDocument(document.id.clone()));
                        ui.close();
                    }
                });
            }
            if self.project.documents.is_empty() {
                ui.label("No documents yet. Open a text with File › Open… or drop a file here.");
            }
        });
        if ui.button("Add document…").clicked() {
            pending.push(Command::AddDocument);
        }
        ui.separator();
        ui.heading("Annotations");
        if let Some(document) = self.current_document.as_deref().and_then(|id| self.project.document(id)) {
            self.list_cache.update(document, &self.project.codebook, &self.list_search, &self.hidden_labels);
        }
        ui.horizontal_wrapped(|ui| {
            for label in &self.project.codebook.labels {
                let mut shown = !self.hidden_labels.contains(&label.id);
                let color = label_color(&self.project.codebook, &label.id);
                let count = self.list_cache.label_count(&label.id);
                let text = RichText::new(format!("{} {count}", label.name)).color(color);
                if ui
                    .checkbox(&mut shown, text)
                    .on_hover_text("Show or hide this label in the list and the text")
                    .changed()
                {
                    if shown {
                        self.hidden_labels.remove(&label.id);
                    } else {
                        self.hidden_labels.insert(label.id.clone());
                    }
                }
            }
        });
        ui.add(
            egui::TextEdit::singleline(&mut self.list_search)
                .hint_text("Search annotations")
                .desired_width(f32::INFINITY),
        )
        .accessible_name("Search annotations");
        let Some(document) = self.current_document.as_deref().and_then(|id| self.project.document(id)) else {
            self.pending.extend(pending);
            return;
        };
        self.list_cache.update(document, &self.project.codebook, &self.list_search, &self.hidden_labels);
        let rows = &self.list_cache;
        ui.label(RichText::new(format!("{} of {}", rows.len(), document.annotations.len())).weak());
        let row_height = ui.spacing().interact_size.y;
        egui::ScrollArea::vertical().id_salt("annotation_list").auto_shrink(false).show_rows(
            ui,
            row_height,
            rows.len(),
            |ui, range| {
                for annotation in
                    range.filter_map(|row| rows.annotation_index(row)).filter_map(|i| document.annotations.get(i))
                {
                    let selected = self.selected_annotation == Some(annotation.id);
                    let color = label_color(&self.project.codebook, &annotation.label);
                    let label_name = self
                        .project
                        .codebook
                        .label(&annotation.label)
                        .map_or(annotation.label.as_str(), |l| l.name.as_str());
                    ui.horizontal(|ui| {
                        let (rect, _) = ui.allocate_exact_size(egui::vec2(4.0, row_height - 4.0), egui::Sense::hover());
                        ui.painter().rect_filled(rect, 1.0, color);
                        let text = format!("{label_name}: {}", excerpt(&annotation.text(), 60));
                        if ui.selectable_label(selected, text).clicked() {
                            pending.push(Command::RevealAnnotation(annotation.id));
                        }
                    });
                }
            },
        );
        self.pending.extend(pending);
    }

    fn inspector_ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("Annotation");
        let Some(annotation) = self.selected_annotation().cloned() else {
            ui.label("Click a highlight to inspect it.");
            ui.add_space(8.0);
            ui.label(RichText::new("Select text with the mouse (double-click selects a word, shift-click extends), then press a label key (1–4) or click a label above.").weak());
            return;
        };
        let codebook = &self.project.codebook;
        let mut pending = Vec::new();
        ui.horizontal_wrapped(|ui| {
            for label in &codebook.labels {
                let color = label_color(codebook, &label.id);
                let selected = annotation.label == label.id;
                let text = RichText::new(&label.name).color(if selected { Color32::WHITE } else { color });
                let button = egui::Button::new(text).selected(selected).fill(if selected {
                    color
                } else {
                    Color32::TRANSPARENT
                });
                if ui.add(button).clicked() && !selected {
                    pending.push(Command::Relabel(label.id.clone()));
                }
            }
        });
        ui.add_space(4.0);
        egui::ScrollArea::vertical().id_salt("inspector_text").max_height(160.0).show(ui, |ui| {
            ui.label(RichText::new(annotation.text()).size(15.0));
        });
        ui.add_space(4.0);
        egui::Grid::new("annotation_facts").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
            ui.label("Span");
            let spans: Vec<String> = annotation.fragments.iter().map(|f| format!("{}..{}", f.start, f.end)).collect();
            let length: usize = annotation.fragments.iter().map(|f| f.end - f.start).sum();
            ui.label(format!("{} ({length} characters)", spans.join(", ")));
            ui.end_row();
            ui.label("Annotator");
            let name = self
                .project
                .annotator(&annotation.annotator)
                .map_or(annotation.annotator.as_str(), |a| a.name.as_str());
            ui.label(name);
            ui.end_row();
            ui.label("Created");
            ui.label(annotation.created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            ui.end_row();
            ui.label("Modified");
            ui.label(annotation.modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            ui.end_row();
            ui.label("Id");
            ui.label(annotation.id.to_string());
            ui.end_row();
        });
        self.relations_ui(ui, &annotation, &mut pending);
        ui.add_space(6.0);
        ui.label("Boundaries");
        ui.horizontal(|ui| {
            ui.label("Start");
            if ui.small_button("<").on_hover_text("Move the start one character left").clicked() {
                pending.push(Command::NudgeBoundary { start: true, delta: -1 });
            }
            if ui.small_button(">").on_hover_text("Move the start one character right").clicked() {
                pending.push(Command::NudgeBoundary { start: true, delta: 1 });
            }
            ui.label("End");
            if ui.small_button("<").on_hover_text("Move the end one character left").clicked() {
                pending.push(Command::NudgeBoundary { start: false, delta: -1 });
            }
            if ui.small_button(">").on_hover_text("Move the end one character right").clicked() {
                pending.push(Command::NudgeBoundary { start: false, delta: 1 });
            }
        });
        let has_selection = self.view.as_ref().and_then(DocView::selected_range).is_some();
        if ui
            .add_enabled(has_selection, egui::Button::new("Set span to selection"))
            .on_hover_text("Select the new extent in the text, then click here")
            .on_disabled_hover_text("Select the new extent in the text first")
            .clicked()
        {
            pending.push(Command::SpanToSelection);
        }
        ui.add_space(6.0);
        ui.label("Note");
        if self.note_buffer.as_ref().is_none_or(|(id, _)| *id != annotation.id) {
            self.note_buffer = Some((annotation.id, annotation.note.clone()));
        }
        if let Some((id, text)) = &mut self.note_buffer {
            let response = ui
                .add(
                    egui::TextEdit::multiline(text)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY)
                        .hint_text("A note about this annotation"),
                )
                .accessible_name("Annotation note");
            if response.lost_focus() && *text != annotation.note {
                pending.push(Command::SetNote(*id, text.clone()));
            }
        }
        ui.add_space(6.0);
        if ui.button(RichText::new("Delete annotation").color(ui.visuals().error_fg_color)).clicked() {
            pending.push(Command::DeleteAnnotation);
        }
        self.pending.extend(pending);
    }

    /// The relations the annotation takes part in; clicking the other end selects it.
    fn relations_ui(&self, ui: &mut egui::Ui, annotation: &Annotation, pending: &mut Vec<Command>) {
        let Some(document) = self.document() else {
            return;
        };
        let related: Vec<_> =
            document.relations.iter().filter(|r| r.from == annotation.id || r.to == annotation.id).collect();
        if related.is_empty() {
            return;
        }
        ui.add_space(6.0);
        ui.label("Relations");
        for relation in related {
            let kind =
                self.project.codebook.relation_type(&relation.kind).map_or(relation.kind.as_str(), |t| t.name.as_str());
            let directed = self.project.codebook.relation_type(&relation.kind).is_none_or(|t| t.directed);
            let (direction, other) = match (relation.from == annotation.id, directed) {
                (true, true) => ("to", relation.to),
                (false, true) => ("from", relation.from),
                (true, false) => ("with", relation.to),
                (false, false) => ("with", relation.from),
            };
            let other_text = document.annotation(other).map(|a| excerpt(&a.text(), 40)).unwrap_or_default();
            if ui
                .link(format!("{kind} ({direction}) {other_text}"))
                .on_hover_text("Select the other annotation")
                .clicked()
            {
                pending.push(Command::RevealAnnotation(other));
            }
        }
    }

    fn document_ui(&mut self, ui: &mut egui::Ui) {
        let (Some(view), Some(document_id)) = (&mut self.view, &self.current_document) else {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() / 3.0);
                ui.heading("Spanwise");
                ui.label("Open a text (.txt, .md) or a project (.spanwise.ron) with File › Open…, or drop a file on this window.");
                if ui.button("Open…").clicked() {
                    self.pending.push(Command::Open);
                }
                if !self.settings.recent_files.is_empty() {
                    ui.add_space(12.0);
                    ui.label("Recent files");
                    for path in self.settings.recent_files.clone() {
                        if ui.link(path.display().to_string()).clicked() {
                            self.pending.push(Command::OpenPath(path));
                        }
                    }
                }
            });
            return;
        };
        let Some(document) = self.project.document(document_id) else {
            return;
        };
        let hidden = &self.hidden_labels;
        let output =
            view.ui(ui, document, &self.project.codebook, self.selected_annotation, &|label| hidden.contains(label));
        if let Some(id) = output.clicked_annotation {
            self.pending.push(Command::SelectAnnotation(id));
        } else if output.clicked_empty {
            self.selected_annotation = None;
        }
    }
}

impl eframe::App for SpanwiseApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }
}
