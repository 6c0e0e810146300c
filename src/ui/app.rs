//! The application: a [`Session`] (the project and its safety net) plus view state (the shown
//! document, selections, filters, dialogs). Each frame it draws the panels, which push
//! [`Command`]s, then runs those commands; session notices become dialogs and status lines.

mod agreement;
mod classroom;
mod codebook_files;
pub mod coders;
mod coding;
mod editing;
mod exchange;
mod file_dialogs;
mod files;
mod importing;
mod opening;
mod state_report;

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use crate::model::{Document, ItemId, Project};
use crate::session::{Notice, Session};
use crate::settings::{Settings, Theme, system_user_name};

use super::annotation_list::AnnotationListCache;
use super::commands::Command;
use super::dialogs::{AfterConfirm, Dialog, DialogContext, NamePrompt, Outcome};
use super::doc_view::{DocView, Navigation};

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

/// How long a text cursor blinks after the last key or click before it stays on.
const CURSOR_BLINK_SECONDS: f64 = 5.0;

pub struct SpanwiseApp {
    pub(crate) session: Session,
    pub settings: Settings,
    settings_path: Option<PathBuf>,
    /// The session generation the view state below belongs to.
    seen_generation: u64,
    /// Id of the document shown.
    pub current_document: Option<String>,
    pub view: Option<DocView>,
    pub selected_annotation: Option<ItemId>,
    /// Labels hidden in the list and the text.
    pub hidden_labels: BTreeSet<String>,
    pub list_search: String,
    pub(crate) list_cache: AnnotationListCache,
    /// Which annotations have a memo (rebuilt once per project revision).
    pub(crate) memo_marks: super::memo_marks::MemoMarks,
    /// The dialog on screen.
    pub dialog: Option<Dialog>,
    /// Dialogs waiting for the one on screen to close.
    queue: VecDeque<Dialog>,
    /// Commands queued by widgets this frame.
    pending: Vec<Command>,
    /// Message in the status bar (errors and confirmations).
    pub status: Option<String>,
    /// The user confirmed quitting despite unsaved changes.
    allowed_to_close: bool,
    /// Close the window at the end of this frame.
    quit_requested: bool,
    /// Title last sent to the window.
    shown_title: String,
    /// Note being edited in the inspector: (annotation, text).
    pub(crate) note_buffer: Option<(ItemId, String)>,
    /// What to do after the next successful save ("Save" in the unsaved-changes dialog).
    pub(crate) after_save: Option<AfterConfirm>,
    /// The system's file dialogs, when `ui::run` installed them.
    pub(crate) native_dialogs: super::native_dialogs::NativeDialogs,
    /// `egui::InputState::time` of the last key, click or typed text.
    last_activity: f64,
    /// The session has been given a way to wake the window.
    waker_set: bool,
    /// A text field had the keyboard at the end of the last frame (Escape takes the focus away
    /// before this frame's keys are read, but it was meant for that field).
    pub(crate) text_field_had_keyboard: bool,
    /// Where to write a one-line summary of the app's state whenever it changes
    /// (`SPANWISE_STATE_REPORT`), so that tests driving the real window can see what it shows.
    pub(crate) state_report: Option<(PathBuf, String)>,
    /// The project file named at start-up, while another thread reads it.
    opening: Option<opening::Opening>,
    /// The coding panel: codebook editor, document variables, memos.
    pub coding: super::coding::CodingState,
    /// Takes the keyboard focus on an X11 display without a window manager (real window only).
    #[cfg(target_os = "linux")]
    pub(crate) x11_focus: Option<super::x11_focus::NoWmFocus>,
    /// File › Import… or Open URL… running on a worker thread.
    pub import_job: Option<super::import_job::ImportJob>,
    /// The session generation the running import was started for.
    import_generation: u64,
    /// The document whose text looks like a saved web page: the banner offers to clean it up.
    pub cleanup_offer: Option<String>,
    /// SHA-256 of the shown document's text when its view was made: a text replaced under the
    /// same id (clean-up, its undo, a re-read encoding) gets a new view.
    shown_text_sha: String,
    /// The Agreement panel: coders, report, chart export, compare and adjudicate (issue 12, part B).
    pub agreement: super::agreement::AgreementState,
    /// Whose layers are shown, the Coders panel (issue 12, part A).
    pub coders: coders::CodersState,
}

impl SpanwiseApp {
    pub fn new(config: AppConfig) -> Self {
        let session = Session::new(config.settings_path.as_deref().and_then(Path::parent));
        let mut app = Self {
            seen_generation: session.generation(),
            session,
            settings: config.settings,
            settings_path: config.settings_path,
            current_document: None,
            view: None,
            selected_annotation: None,
            hidden_labels: BTreeSet::new(),
            list_search: String::new(),
            list_cache: AnnotationListCache::default(),
            memo_marks: Default::default(),
            dialog: None,
            queue: VecDeque::new(),
            pending: Vec::new(),
            status: None,
            allowed_to_close: false,
            quit_requested: false,
            shown_title: String::new(),
            note_buffer: None,
            after_save: None,
            native_dialogs: Default::default(),
            last_activity: 0.0,
            waker_set: false,
            text_field_had_keyboard: false,
            state_report: None,
            opening: None,
            coding: Default::default(),
            #[cfg(target_os = "linux")]
            x11_focus: None,
            import_job: None,
            import_generation: 0,
            cleanup_offer: None,
            shown_text_sha: String::new(),
            agreement: Default::default(),
            coders: Default::default(),
        };
        if app.settings.annotator_name.trim().is_empty() {
            app.dialog = Some(Dialog::AnnotatorName(NamePrompt::new("", &system_user_name())));
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

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    pub fn project(&self) -> &Project {
        self.session.project()
    }

    /// Where the project is saved; `None` until first saved.
    pub fn project_path(&self) -> Option<&Path> {
        self.session.path()
    }

    pub fn is_dirty(&self) -> bool {
        self.session.is_dirty()
    }

    pub fn document(&self) -> Option<&Document> {
        self.session.document(self.current_document.as_deref()?)
    }

    /// The journal the current work is autosaved to, once there is one.
    pub fn journal_path(&self) -> Option<&Path> {
        self.session.journal_path()
    }

    /// The other Spanwise that has the open file, when this one opened it read-only.
    pub fn read_only_because(&self) -> Option<&crate::store::lock::LockOwner> {
        self.session.read_only_because()
    }

    /// Why the project file cannot be found, when it was deleted or moved while open.
    pub fn file_missing(&self) -> Option<&str> {
        self.session.file_missing()
    }

    /// Checks the project file now (the session does when its watcher sees a change).
    pub fn check_file_now(&mut self) {
        self.session.check_file_now();
        self.take_notices();
    }

    /// The window title: project name, unsaved marker, app name.
    pub fn title(&self) -> String {
        let name = match self.session.path() {
            Some(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            None => self.project().name.clone(),
        };
        let marker = if self.is_dirty() { "● " } else { "" };
        format!("{marker}{name} — Spanwise")
    }

    pub(crate) fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path
            && let Err(err) = self.settings.save(path)
        {
            self.status = Some(format!("Could not save settings: {err}"));
        }
    }

    /// Shows a dialog now, or after the one on screen.
    pub(crate) fn show_dialog(&mut self, dialog: Dialog) {
        if self.dialog.is_none() {
            self.dialog = Some(dialog);
        } else {
            self.queue.push_back(dialog);
        }
    }

    /// Whether a decision about the user's work (recovery, a changed file) is on screen or
    /// waiting: edits and shortcuts wait for it.
    pub(crate) fn decision_pending(&self) -> bool {
        self.dialog.as_ref().is_some_and(Dialog::is_decision) || !self.queue.is_empty()
    }

    /// Turns what the session has to say into status lines and dialogs.
    fn take_notices(&mut self) {
        while let Some(notice) = self.session.next_notice() {
            match notice {
                Notice::Status(text) => self.status = Some(text),
                Notice::Error { title, message } => self.show_dialog(Dialog::Error { title, message }),
                Notice::Message { title, message } => self.show_dialog(Dialog::Message { title, message }),
                Notice::Recovery(offer) => self.show_dialog(Dialog::Recovery(offer)),
                Notice::FileChanged(change) => self.show_dialog(Dialog::FileChanged(change)),
                Notice::MergeConflicts(pending) => {
                    self.show_dialog(Dialog::MergeConflicts(Box::new(super::dialogs::MergeDialog::new(pending))));
                }
            }
        }
        self.sync_with_session();
    }

    /// Keeps the view state consistent with the session: a replaced project starts fresh; a
    /// removed document or annotation is no longer shown or selected.
    pub(crate) fn sync_with_session(&mut self) {
        if self.seen_generation != self.session.generation() {
            self.seen_generation = self.session.generation();
            self.selected_annotation = None;
            self.note_buffer = None;
            self.current_document = None;
            self.view = None;
            let panel_open = self.coding.panel_open;
            self.coding = super::coding::CodingState { panel_open, ..Default::default() };
            self.project_opened();
        }
        if let Some(id) = &self.current_document
            && self.session.document(id).is_none()
        {
            self.current_document = None;
            self.view = None;
        }
        if let Some(document) = self.document()
            && document.sha256 != self.shown_text_sha
        {
            let id = document.id.clone();
            self.select_document(&id);
        }
        // A document whose text changed under the same id (an undone merge, a reload) gets a new
        // view: blocks, heights and find matches are made from the text.
        let generation = self.session.generation();
        if let (Some(view), Some(document)) = (&self.view, self.document())
            && !view.belongs_to(generation, document)
        {
            self.view = Some(DocView::new(document, generation));
        }
        if self.current_document.is_none()
            && let Some(first) = self.project().documents.first().map(|d| d.id.clone())
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

    pub(crate) fn select_document(&mut self, document_id: &str) {
        let Some(document) = self.session.document(document_id) else {
            return;
        };
        self.view = Some(DocView::new(document, self.session.generation()));
        self.shown_text_sha = document.sha256.clone();
        self.current_document = Some(document_id.to_owned());
        self.selected_annotation = None;
        self.note_buffer = None;
    }

    fn run_command(&mut self, command: Command) {
        // A note being edited is committed before anything else happens.
        if !matches!(command, Command::SetNote(..)) {
            self.commit_note();
        }
        if !matches!(command, Command::Coding(_)) {
            self.commit_memo();
        }
        let Some(command) = self
            .run_coding_command(command)
            .and_then(|c| self.run_group_commands(c))
            .and_then(|c| self.run_codebook_command(c))
        else {
            self.take_notices();
            return;
        };
        match command {
            Command::NewProject => self.confirm_then(AfterConfirm::NewProject),
            Command::Open => self.confirm_then(AfterConfirm::ShowOpenDialog),
            Command::OpenPath(path) => self.confirm_then(AfterConfirm::Open(path)),
            // Asked before the chooser was shown (Command::Open): once per user action.
            Command::OpenChosen(path) => self.open_path(&path),
            Command::AddDocument => self.show_file_dialog(super::dialogs::FileDialogPurpose::AddDocument),
            Command::AddDocumentPath(path) => self.add_document_path(&path),
            Command::Save => self.save(),
            Command::SaveAs => self.show_file_dialog(super::dialogs::FileDialogPurpose::SaveAs),
            Command::SaveAsPath(path) => self.save_as(path),
            Command::Quit => self.confirm_then(AfterConfirm::Quit),
            Command::Undo => match self.session.undo() {
                Ok(true) => {}
                Ok(false) => self.status = Some("Nothing to undo".into()),
                Err(err) => self.status = Some(format!("Cannot undo: {err}")),
            },
            Command::Redo => match self.session.redo() {
                Ok(true) => {}
                Ok(false) => self.status = Some("Nothing to redo".into()),
                Err(err) => self.status = Some(format!("Cannot redo: {err}")),
            },
            Command::Tag(label) => self.tag_selection(&label),
            Command::Relabel(label) => self.relabel(&label),
            Command::DeleteAnnotation => self.delete_selected(),
            Command::SelectAnnotation(id) => self.selected_annotation = Some(id),
            Command::RevealAnnotation(id) => self.reveal(id),
            Command::OpenMemo(id) => self.open_memo(id),
            Command::SelectDocument(id) => self.select_document(&id),
            Command::RemoveDocument(id) => {
                let _ = self.session.apply(crate::edit::Edit::RemoveDocument { id });
            }
            Command::NudgeBoundary { boundary, delta } => self.nudge(boundary, delta),
            Command::SpanToSelection => self.span_to_selection(),
            Command::SetNote(id, note) => self.set_note(id, note),
            Command::EditAnnotatorName => {
                let prompt = NamePrompt::new(&self.settings.annotator_name, &system_user_name());
                self.show_dialog(Dialog::AnnotatorName(prompt));
            }
            Command::SetAnnotatorName(name) => {
                self.settings.annotator_name = name.trim().to_owned();
                self.save_settings();
            }
            Command::SetTheme(theme) => {
                self.settings.theme = theme;
                self.save_settings();
            }
            Command::ClearSelection => {
                if let Some(view) = &mut self.view {
                    if view.relating.take().is_some() {
                        self.status = Some("Relation cancelled".into());
                        self.take_notices();
                        return;
                    }
                    view.clear_selection();
                }
                self.selected_annotation = None;
            }
            Command::Find => {
                if let Some(view) = &mut self.view {
                    view.open_find();
                }
            }
            Command::PageDown => self.navigate(Navigation::PageDown),
            Command::PageUp => self.navigate(Navigation::PageUp),
            Command::GoToStart => self.navigate(Navigation::Start),
            Command::GoToEnd => self.navigate(Navigation::End),
            Command::ShowShortcuts => self.show_dialog(Dialog::Shortcuts),
            Command::EditAnyway => self.session.edit_anyway(),
            Command::Import => {
                let mut setup = super::dialogs::ImportSetup::default();
                setup.folder = self.start_dir();
                self.show_dialog(Dialog::Import(Box::new(setup)));
            }
            Command::OpenUrl => self.show_dialog(Dialog::OpenUrl(Default::default())),
            Command::StartImport(request) => self.start_import(request),
            Command::CleanUp => self.show_cleanup(),
            Command::ApplyCleanup(cleaned) => self.apply_cleanup(cleaned),
            Command::Reread { document, encoding } => self.reread(&document, &encoding),
            Command::Export => self.show_export_dialog(),
            Command::ExportTo(path) => self.export_destination_chosen(&path),
            Command::ImportAnnotations => self.show_import_dialog(),
            Command::ImportAnnotationsFrom(path) => self.import_source_chosen(&path),
            Command::ImportSourcesFrom(paths) => self.import_sources_chosen(paths),
            Command::ToggleCodingPanel => self.coding.panel_open = !self.coding.panel_open,
            Command::Coding(command) => self.run_coding(command),
            Command::SetDirection(direction) => self.set_direction(direction),
            // Relations, fragments, keyboard and bulk commands: `app/coding.rs`.
            _ => {}
        }
        self.take_notices();
    }

    fn navigate(&mut self, navigation: Navigation) {
        if let Some(view) = &mut self.view {
            view.navigate(navigation);
        }
    }

    /// Carries out what a dialog asked for.
    fn run_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Command(command) => self.pending.push(command),
            Outcome::Recover(offer) => {
                if self.session.accept_recovery(offer) == crate::session::RecoveryStep::ConfirmFirst {
                    self.confirm_then(AfterConfirm::RecoverPending);
                }
            }
            Outcome::DiscardRecovery(offer) => self.session.discard_recovery(offer),
            Outcome::ResolveFileChange(change, choice) => self.session.resolve_file_change(&change, choice),
            Outcome::SaveThen(after) => {
                self.after_save = Some(after);
                self.pending.push(Command::Save);
            }
            Outcome::DiscardThen(after) => self.run_after_confirm(after),
            Outcome::Cancelled => self.after_save = None,
            Outcome::ChooseFile(purpose, dir, suggested) => self.ask_for_file(purpose, dir, suggested),
            Outcome::Exported(exported) => self.exported(*exported),
            Outcome::ApplyImport(plan) => self.apply_import(*plan),
            Outcome::FinishMerge(pending, choices) => self.session.finish_merge(pending, &choices),
            Outcome::CancelMerge(pending) => self.session.cancel_merge(pending),
        }
        self.take_notices();
    }

    /// A text cursor blinks for a few seconds after the user last did something, then stays on:
    /// a cursor blinking for ever repaints the window for ever (measurable CPU on a laptop with
    /// software rendering, and a wake-up twice a second everywhere).
    fn calm_cursor(&mut self, ctx: &egui::Context) {
        let (now, active) = ctx.input(|i| {
            let active = i.events.iter().any(|event| {
                matches!(
                    event,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::Paste(_)
                        | egui::Event::Ime(_)
                )
            });
            (i.time, active)
        });
        if active {
            self.last_activity = now;
        }
        let blink = now - self.last_activity < CURSOR_BLINK_SECONDS;
        if ctx.global_style().visuals.text_cursor.blink != blink {
            ctx.global_style_mut(|style| style.visuals.text_cursor.blink = blink);
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
        self.calm_cursor(&ctx);
        if !self.waker_set {
            self.waker_set = true;
            let waker = ctx.clone();
            self.session.set_waker(move || waker.request_repaint());
        }
        if let Some(due) = self.session.tick() {
            ctx.request_repaint_after(due);
        }
        self.take_notices();
        if self.dialog.is_none()
            && let Some(dialog) = self.queue.pop_front()
        {
            self.dialog = Some(dialog);
        }
        self.native_dialog_tick(&ctx);
        self.import_tick(&ctx);
        self.agreement_tick(&ctx);
        if !self.opening_ui(ui) {
            self.handle_keys(&ctx);
            self.handle_dropped_files(&ctx);
            self.panels_ui(ui);
        }

        if let Some(dialog) = self.dialog.take() {
            let context = DialogContext {
                dirty: self.is_dirty(),
                recent_files: &self.settings.recent_files,
                codebook: &self.session.project().codebook,
                project: self.session.project(),
                system_file_dialogs: self.system_file_dialogs(),
            };
            let (keep, outcomes) = dialog.show(&ctx, &context);
            self.dialog = keep;
            for outcome in outcomes {
                self.run_outcome(outcome);
            }
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
        self.text_field_had_keyboard = ctx.text_edit_focused();
        let title = self.title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }
        self.report_state();
    }
}

impl eframe::App for SpanwiseApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        #[cfg(target_os = "linux")]
        if let Some(focus) = &mut self.x11_focus {
            focus.tick(ui.ctx());
        }
        self.frame_ui(ui);
    }
}
