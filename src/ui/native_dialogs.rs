//! The system's file dialog for Open, Add document and Save as (and any later chooser, e.g.
//! Export: everything it needs comes from its [`FileDialogPurpose`]), with Spanwise's own chooser
//! whenever there is no system dialog or it fails.
//!
//! - The dialog runs on a worker thread; the window keeps painting and is woken by
//!   `request_repaint` when the answer arrives (no repaint loop while waiting).
//! - On Linux and the BSDs the XDG desktop portal is asked first (through `rfd`), then zenity;
//!   both are probed before anything is shown, so "nothing chosen" from a dialog that really
//!   appeared is a cancel, and a missing or broken backend opens Spanwise's chooser instead.
//!   Windows and macOS always have one (`rfd`).
//! - Only `ui::run` installs a backend ([`SpanwiseApp::with_native_dialogs`]); an app built with
//!   `SpanwiseApp::new`, as every test does, keeps Spanwise's own chooser.
//! - `SPANWISE_NATIVE_DIALOGS=0` or View › "Use the system file dialog" turns it off.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

mod system;
pub use system::{ParentWindow, SystemDialogs};

use super::commands::Command;
use super::dialogs::FileDialogPurpose;
use crate::settings::FileChooser;

/// Set to `0` (or `false`, `no`, `off`) to always use Spanwise's own file chooser.
pub const ENVIRONMENT_VARIABLE: &str = "SPANWISE_NATIVE_DIALOGS";

/// What the status bar says while a system file dialog is open.
pub const CHOOSING_STATUS: &str = "Choose a file in the dialog…";

/// What the window says while the system's dialog is being started, if that takes a while.
pub(crate) const STARTING_STATUS: &str = "Opening the system's file dialog…";

/// Until then, starting a dialog shows nothing (it usually takes milliseconds).
pub(crate) const SAY_STARTING_AFTER: Duration = Duration::from_millis(300);

/// Whether the environment allows system file dialogs (`SPANWISE_NATIVE_DIALOGS` unset or not
/// one of `0`, `false`, `no`, `off`).
pub fn allowed_by(value: Option<&OsStr>) -> bool {
    let Some(value) = value else {
        return true;
    };
    let value = value.to_string_lossy();
    !["0", "false", "no", "off"].iter().any(|off| value.trim().eq_ignore_ascii_case(off))
}

/// [`allowed_by`] the process environment.
pub fn allowed_by_environment() -> bool {
    allowed_by(std::env::var_os(ENVIRONMENT_VARIABLE).as_deref())
}

/// One filter of a system file dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFilter {
    pub name: String,
    /// Without the dot; `*` is any file.
    pub extensions: Vec<String>,
}

/// What a system file dialog shows. Plain data, so that it can go to the worker thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeRequest {
    pub title: String,
    /// Asks for a file to write (a new name may be typed) rather than one to read.
    pub saves: bool,
    /// The first one is selected.
    pub filters: Vec<FileFilter>,
    /// The folder shown first.
    pub dir: PathBuf,
    /// The name proposed when saving.
    pub file_name: Option<String>,
    /// Several files may be chosen at once (coders' files, sources to import, students' files).
    pub multiple: bool,
}

impl NativeRequest {
    /// The dialog for `purpose`, starting in `dir`, or where `suggested` is and with its name.
    pub fn new(purpose: FileDialogPurpose, dir: &Path, suggested: Option<&Path>) -> Self {
        let suggested_dir = suggested.and_then(Path::parent).filter(|parent| !parent.as_os_str().is_empty());
        Self {
            title: purpose.title().to_owned(),
            saves: purpose.saves(),
            filters: purpose
                .filters()
                .into_iter()
                .map(|(name, extensions)| FileFilter {
                    name: name.to_owned(),
                    extensions: extensions.into_iter().map(str::to_owned).collect(),
                })
                .collect(),
            dir: suggested_dir.unwrap_or(dir).to_owned(),
            file_name: suggested.and_then(Path::file_name).map(|name| name.to_string_lossy().into_owned()),
            multiple: purpose.picks_several(),
        }
    }
}

/// What a system file dialog answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Chosen(PathBuf),
    /// Several files, from a dialog that allows choosing several.
    ChosenMany(Vec<PathBuf>),
    /// The user closed the dialog without choosing.
    Cancelled,
    /// There is no system dialog, or it did not work; the reason is logged.
    Failed(String),
}

/// Shows file dialogs outside egui. Called on a worker thread, never on the UI thread.
pub trait DialogBackend: Send + Sync {
    /// Shows a dialog and waits for the answer. Calls `shown` once a dialog is really going up;
    /// answers [`Answer::Failed`] without calling it when there is no dialog to show.
    fn show(&self, request: &NativeRequest, shown: &dyn Fn()) -> Answer;

    /// Closes a dialog still open, where that is possible (the window is going away).
    fn close(&self) {}
}

/// What the app does with an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Exactly what Spanwise's own chooser emits for the same choice.
    Run(Command),
    /// The same, once for each of several files chosen.
    RunEach(Vec<Command>),
    /// Nothing was chosen: nothing happens.
    Nothing,
    /// The system dialog is missing or broken: show Spanwise's own chooser.
    ShowOwnChooser,
}

/// The decision for an `answer` to a dialog opened for `purpose`.
pub fn next_step(purpose: FileDialogPurpose, answer: Answer) -> Next {
    match answer {
        Answer::Chosen(path) => Next::Run(purpose.command(path)),
        // One command for all of them where the purpose takes several at once, else one each.
        Answer::ChosenMany(paths) if purpose.multiple() => Next::Run(purpose.command_many(paths)),
        Answer::ChosenMany(mut paths) if paths.len() == 1 => Next::Run(purpose.command(paths.remove(0))),
        Answer::ChosenMany(paths) => Next::RunEach(paths.into_iter().map(|path| purpose.command(path)).collect()),
        Answer::Cancelled => Next::Nothing,
        Answer::Failed(_) => Next::ShowOwnChooser,
    }
}

/// Whether a system dialog is tried at all.
pub fn tries_system_dialog(installed: bool, allowed_by_environment: bool, setting: FileChooser) -> bool {
    installed && allowed_by_environment && setting == FileChooser::System
}

/// Sent by the worker thread.
pub(crate) enum Event {
    Shown,
    Answered(Answer),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Finding out whether there is a dialog to show.
    Starting,
    /// The dialog is on screen.
    Shown,
}

/// A system dialog the app is waiting for.
pub(crate) struct Pending {
    pub(crate) purpose: FileDialogPurpose,
    pub(crate) dir: PathBuf,
    pub(crate) suggested: Option<PathBuf>,
    events: Receiver<Event>,
    pub(crate) stage: Stage,
    pub(crate) started: Instant,
    /// The status bar has said to use the dialog.
    pub(crate) announced: bool,
    /// Received, waiting for the in-app dialog on screen to be closed first.
    pub(crate) answer: Option<Answer>,
}

/// The app's handle on system file dialogs: at most one at a time, on a worker thread.
#[derive(Default)]
pub struct NativeDialogs {
    /// `None`: only Spanwise's own chooser (tests, or no backend installed).
    pub(crate) backend: Option<Arc<dyn DialogBackend>>,
    /// `SPANWISE_NATIVE_DIALOGS=0` turned them off.
    pub(crate) refused_by_environment: bool,
    /// To wake the window when an answer arrives; known from the first frame on.
    pub(crate) ctx: Option<egui::Context>,
    pub(crate) pending: Option<Pending>,
}

impl NativeDialogs {
    /// System dialogs shown by `backend`, unless the environment says otherwise.
    pub fn new(backend: Arc<dyn DialogBackend>, allowed_by_environment: bool) -> Self {
        Self { backend: Some(backend), refused_by_environment: !allowed_by_environment, ctx: None, pending: None }
    }

    /// The platform's dialogs (see [`SystemDialogs`]), allowed by `SPANWISE_NATIVE_DIALOGS`.
    pub fn system(parent: Option<ParentWindow>) -> Self {
        Self::new(Arc::new(SystemDialogs::new(parent)), allowed_by_environment())
    }

    /// Whether a system dialog is open, or its answer not yet used.
    pub fn is_waiting(&self) -> bool {
        self.pending.is_some()
    }

    /// Whether a system dialog is on screen (or about to be).
    pub(crate) fn blocks_window(&self) -> bool {
        self.pending.as_ref().is_some_and(|pending| pending.answer.is_none())
    }

    /// Starts a system dialog; `false` if there is none to start (Spanwise's own is shown).
    pub(crate) fn start(&mut self, purpose: FileDialogPurpose, dir: PathBuf, suggested: Option<PathBuf>) -> bool {
        let (Some(backend), Some(ctx)) = (&self.backend, &self.ctx) else {
            return false;
        };
        let request = NativeRequest::new(purpose, &dir, suggested.as_deref());
        let (sender, events) = mpsc::channel();
        let backend = Arc::clone(backend);
        let ctx = ctx.clone();
        let worker = std::thread::Builder::new().name("file dialog".into()).spawn(move || {
            let shown = || {
                let _ = sender.send(Event::Shown);
                ctx.request_repaint();
            };
            let answer = backend.show(&request, &shown);
            // The app may be gone (closed while the dialog was open): nobody to tell.
            let _ = sender.send(Event::Answered(answer));
            ctx.request_repaint();
        });
        if let Err(err) = worker {
            log::warn!("cannot start a thread for the file dialog: {err}");
            return false;
        }
        self.pending = Some(Pending {
            purpose,
            dir,
            suggested,
            events,
            stage: Stage::Starting,
            started: Instant::now(),
            announced: false,
            answer: None,
        });
        true
    }

    /// Takes what the worker sent; never waits.
    pub(crate) fn receive(&mut self) {
        let Some(pending) = &mut self.pending else {
            return;
        };
        while pending.answer.is_none() {
            match pending.events.try_recv() {
                Ok(Event::Shown) => pending.stage = Stage::Shown,
                Ok(Event::Answered(answer)) => pending.answer = Some(answer),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    pending.answer = Some(Answer::Failed("the file dialog thread stopped without an answer".into()))
                }
            }
        }
    }

    /// Stops waiting for the dialog on screen and closes it where possible (an answer that still
    /// comes is ignored).
    pub(crate) fn abandon(&mut self) -> Option<Pending> {
        let pending = self.pending.take()?;
        if let Some(backend) = &self.backend {
            backend.close();
        }
        Some(pending)
    }
}

impl Drop for NativeDialogs {
    fn drop(&mut self) {
        // A dialog outliving the window would be an orphan nobody answers.
        self.abandon();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_variable_turns_system_dialogs_off() {
        assert!(allowed_by(None));
        assert!(allowed_by(Some(OsStr::new("1"))));
        assert!(allowed_by(Some(OsStr::new(""))));
        for off in ["0", "false", "No", " off "] {
            assert!(!allowed_by(Some(OsStr::new(off))), "{off:?}");
        }
    }

    #[test]
    fn a_system_dialog_is_tried_only_when_installed_allowed_and_wanted() {
        assert!(tries_system_dialog(true, true, FileChooser::System));
        assert!(!tries_system_dialog(false, true, FileChooser::System), "tests install none");
        assert!(!tries_system_dialog(true, false, FileChooser::System), "SPANWISE_NATIVE_DIALOGS=0");
        assert!(!tries_system_dialog(true, true, FileChooser::Spanwise), "the user prefers Spanwise's");
    }

    #[test]
    fn answers_become_what_spanwises_chooser_emits() {
        let path = PathBuf::from("/tmp/Grüße 🎉 شبکه‌ها 社交.txt");
        for (purpose, command) in [
            (FileDialogPurpose::Open, Command::OpenChosen(path.clone())),
            (FileDialogPurpose::AddDocument, Command::AddDocumentPath(path.clone())),
            (FileDialogPurpose::SaveAs, Command::SaveAsPath(path.clone())),
        ] {
            assert_eq!(next_step(purpose, Answer::Chosen(path.clone())), Next::Run(command.clone()));
            assert_eq!(next_step(purpose, Answer::ChosenMany(vec![path.clone()])), Next::Run(command));
            assert_eq!(next_step(purpose, Answer::Cancelled), Next::Nothing);
            assert_eq!(next_step(purpose, Answer::Failed("no portal".into())), Next::ShowOwnChooser);
        }
    }

    #[test]
    fn requests_carry_title_filters_folder_and_proposed_name() {
        let open = NativeRequest::new(FileDialogPurpose::Open, Path::new("/data"), None);
        assert_eq!(open.title, "Open a project or text");
        assert!(!open.saves);
        assert_eq!(open.dir, Path::new("/data"));
        assert_eq!(open.file_name, None);
        assert_eq!(open.filters[0].name, "Projects and texts");
        let mut projects_and_texts = vec!["ron"];
        projects_and_texts.extend(crate::formats::TEXT_EXTENSIONS);
        assert_eq!(open.filters[0].extensions, projects_and_texts);
        assert!(open.filters[0].extensions.iter().any(|e| e == "docx"), "Word files are offered");
        assert_eq!(open.filters.last().map(|f| f.extensions.clone()), Some(vec!["*".to_owned()]));
        let add = NativeRequest::new(FileDialogPurpose::AddDocument, Path::new("/data"), None);
        assert_eq!(add.filters[0].extensions, crate::formats::TEXT_EXTENSIONS);
        let save = NativeRequest::new(
            FileDialogPurpose::SaveAs,
            Path::new("/data"),
            Some(Path::new("/home/ü/Grüße.spanwise.ron")),
        );
        assert!(save.saves);
        assert_eq!(save.dir, Path::new("/home/ü"));
        assert_eq!(save.file_name.as_deref(), Some("Grüße.spanwise.ron"));
        assert_eq!(save.filters.len(), 1);
        // A bare name stays in the starting folder.
        let bare = NativeRequest::new(FileDialogPurpose::SaveAs, Path::new("/data"), Some(Path::new("a.spanwise.ron")));
        assert_eq!(bare.dir, Path::new("/data"));
    }
}
