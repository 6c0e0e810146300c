//! Every user action that menus, buttons and shortcuts can trigger, in one place: each command
//! knows its menu text and keyboard shortcut. Widgets push commands; the app applies them after
//! the frame, so no widget mutates the project directly.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::model::ItemId;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    NewProject,
    /// Show the Open dialog (projects and texts).
    Open,
    OpenPath(PathBuf),
    /// Show the dialog to add a text to the current project.
    AddDocument,
    AddDocumentPath(PathBuf),
    Save,
    SaveAs,
    SaveAsPath(PathBuf),
    Quit,
    Undo,
    Redo,
    /// Tag the text selection with a label (by id).
    Tag(String),
    /// Change the selected annotation's label.
    Relabel(String),
    DeleteAnnotation,
    SelectAnnotation(ItemId),
    /// Select and scroll to an annotation.
    RevealAnnotation(ItemId),
    SelectDocument(String),
    RemoveDocument(String),
    /// Move the selected annotation's start (`start == true`) or end by `delta` characters.
    NudgeBoundary {
        start: bool,
        delta: isize,
    },
    /// Set the selected annotation's span to the text selection.
    SpanToSelection,
    SetNote(ItemId, String),
    SetAnnotatorName(String),
    ClearSelection,
    ShowShortcuts,
}

impl Command {
    /// The keyboard shortcut that triggers this command everywhere in the app.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        let cmd = |key| Some(KeyboardShortcut::new(Modifiers::COMMAND, key));
        let cmd_shift = |key| Some(KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, key));
        match self {
            Command::NewProject => cmd(Key::N),
            Command::Open => cmd(Key::O),
            Command::AddDocument => cmd_shift(Key::O),
            Command::Save => cmd(Key::S),
            Command::SaveAs => cmd_shift(Key::S),
            Command::Quit => cmd(Key::Q),
            Command::Undo => cmd(Key::Z),
            Command::Redo => cmd_shift(Key::Z),
            Command::ShowShortcuts => Some(KeyboardShortcut::new(Modifiers::NONE, Key::F1)),
            _ => None,
        }
    }

    /// Commands with global shortcuts, checked every frame. Shift variants come first so that
    /// Ctrl+Shift+S is not taken as Ctrl+S.
    pub fn with_shortcuts() -> [Command; 9] {
        [
            Command::AddDocument,
            Command::SaveAs,
            Command::Redo,
            Command::NewProject,
            Command::Open,
            Command::Save,
            Command::Quit,
            Command::Undo,
            Command::ShowShortcuts,
        ]
    }
}
