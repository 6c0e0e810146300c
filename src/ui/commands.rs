//! Every user action, in one place. A [`Command`] is what a menu item, button, key or dialog asks
//! the app to do; the app runs it after the frame, so no widget changes the project itself.
//!
//! The commands a user can invoke directly (menus, keys, the help overlay) carry their
//! [`CommandInfo`]: menu text, tooltip, shortcuts and the [`Context`] the shortcuts work in. Menus,
//! the shortcut handling and the keyboard help are all generated from [`Command::catalog`], so a
//! shortcut is defined exactly once; a test refuses two commands sharing a shortcut in the same
//! context. Label keys (`1`–`9`) come from the codebook, not from here.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::model::{Boundary, ItemId};
use crate::settings::Theme;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    NewProject,
    /// Show the Open dialog (projects and texts).
    Open,
    OpenPath(PathBuf),
    /// Open a file chosen in the Open dialog: the user was already asked about unsaved changes
    /// before the dialog was shown, so they are not asked again.
    OpenChosen(PathBuf),
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
    /// Open the memo about this annotation in the memos panel (its mark was clicked).
    OpenMemo(ItemId),
    SelectDocument(String),
    RemoveDocument(String),
    /// Move the selected annotation's start or end by `delta` characters.
    NudgeBoundary {
        boundary: Boundary,
        delta: isize,
    },
    /// Set the selected annotation's span to the text selection.
    SpanToSelection,
    SetNote(ItemId, String),
    /// Ask for the annotator's name (the name prompt).
    EditAnnotatorName,
    SetAnnotatorName(String),
    SetTheme(Theme),
    ClearSelection,
    /// Open the find bar and give it the keyboard.
    Find,
    PageDown,
    PageUp,
    GoToStart,
    GoToEnd,
    ShowShortcuts,
    /// Take the project file over from another Spanwise that has it open.
    EditAnyway,
    /// File › Import…: many files, folders, archives, corpora.
    Import,
    /// File › Open URL….
    OpenUrl,
    /// Import on a worker thread (from the Import and Open URL dialogs).
    StartImport(crate::ui::import_job::ImportRequest),
    /// Document › Clean up… for the shown document.
    CleanUp,
    /// Replace the shown document's text and metadata with the cleaned ones (one undo step).
    ApplyCleanup(crate::ui::dialogs::CleanedText),
    /// Read a document's file again in another encoding (a WHATWG label), before annotating.
    Reread {
        document: String,
        encoding: String,
    },
    /// Show File › Export….
    Export,
    /// Export to this file or folder (the answer of a file dialog; the Export dialog takes it).
    ExportTo(PathBuf),
    /// Sources chosen for File › Import… (its Browse…): added to the Import dialog's list.
    ImportSourcesFrom(Vec<PathBuf>),
    /// Show File › Import annotations….
    ImportAnnotations,
    /// Import annotations from this file or folder (the Import dialog takes it).
    ImportAnnotationsFrom(PathBuf),
    // Codebook, attributes, document variables, memos (issue 10 A).
    /// Show or hide the coding panel (codebook, document variables, memos).
    ToggleCodingPanel,
    /// A change from the coding panel or the attribute editor.
    Coding(super::coding::CodingCommand),
    // Relations, fragments, keyboard-first and bulk tagging (issue 10, part B).
    /// Start a relation from the selected annotation: pick the target with Tab/arrows, Enter.
    StartRelation,
    /// Finish the relation being made (Enter), at the target picked.
    ConfirmRelation,
    /// Relate the selected annotation to this one (Alt+click, a drag from the handle, Enter).
    RelateTo(ItemId),
    /// Add the relation (after the type was chosen).
    CreateRelation {
        from: ItemId,
        to: ItemId,
        kind: String,
    },
    RetypeRelation {
        id: ItemId,
        kind: String,
    },
    DeleteRelation(ItemId),
    /// Select the next (or previous) annotation and scroll to it; while relating, move the target.
    NextAnnotation,
    PreviousAnnotation,
    /// Move the selection's moving end by a character or a word.
    ExtendSelection {
        forward: bool,
        by_word: bool,
    },
    /// Add the text selection as another fragment of the selected annotation.
    AddFragment(std::ops::Range<usize>),
    /// Drag a boundary of the selected annotation to a code point offset.
    MoveBoundary {
        boundary: Boundary,
        offset: usize,
        snap: bool,
    },
    CommandPalette,
    /// Show "Tag all occurrences" for the selected text.
    TagAll,
    /// Tag these ranges of these documents with a label, as one undo step.
    TagRanges {
        label: String,
        ranges: Vec<(String, std::ops::Range<usize>)>,
    },
    // Agreement, compare and adjudication (issue 12, part B).
    /// Show or hide the Agreement panel (agreement, chart, compare and adjudicate).
    ToggleAgreementPanel,
    /// Select the next (or previous) disagreement of the two coders compared, and scroll to it.
    NextDisagreement,
    PreviousDisagreement,
    /// Put the current disagreement's A, B or both versions into the gold layer.
    AcceptDisagreement(super::agreement::Pick),
    /// A choice, export or decision from the Agreement panel.
    Agreement(super::agreement::AgreementCommand),
    // Several coders in one project (issue 12, part A).
    /// File › Bring in coders' files…: choose project files (several, or a folder).
    BringInCoders,
    /// Bring these coders' project files (or every project file in these folders) in.
    BringInCodersFrom(Vec<PathBuf>),
    /// Apply what bringing in computed, as one undo step, and show the report.
    ApplyCombine(Box<crate::ui::dialogs::Combined>),
    /// View › Coders panel.
    ToggleCodersPanel,
    /// Show every coder's layer.
    ShowAllCoders,
    /// Show only my own layer.
    ShowOnlyMyLayer,
    /// Show or hide one coder's layer (the Coders panel).
    ToggleCoder(String),
    /// Document › Mark done for me.
    MarkDone,
    /// Document › Mark not done for me (back to in progress).
    MarkNotDone,
    /// Turn blind coding on or off (stored in the project).
    ToggleBlindCoding,
    // Right-to-left and mixed scripts (issue 13).
    /// Document › Text direction: how the shown document's paragraphs run.
    SetDirection(crate::model::bidi::TextDirection),
    // The classroom (issue 12, part C): assignments and grading.
    /// File › Prepare assignment…: the file to hand out, made from this project as the key.
    PrepareAssignment,
    /// Write the assignment to this file (the answer of a file dialog; the dialog takes it).
    AssignmentTo(PathBuf),
    /// Analysis › Grade students…: students' files against this project as the key.
    GradeStudents,
    /// Add a student's file, or every project file of a folder, to the Grade dialog.
    GradeAddStudents(PathBuf),
    /// Write the gradebook CSV here (the Grade dialog takes it).
    GradebookTo(PathBuf),
    /// Write the feedback pages into this folder (the Grade dialog takes it).
    FeedbackTo(PathBuf),
    /// Help › Assignment instructions: show the open assignment's instructions again.
    ShowInstructions,
    // The codebook's relation types, attributes, document variables and files (issue 10, codebook).
    /// A codebook change with what it does to relations and values, as one undo step.
    CodebookCascade(Box<crate::model::codebook_editing::Cascade>),
    /// File › Export codebook…: write the codebook to a `.codebook.ron` or `.qdc` file.
    ExportCodebook,
    /// Write the codebook to this file (the answer of a file dialog).
    ExportCodebookTo(PathBuf),
    /// File › Import codebook…: add a codebook file's entries to the project's codebook.
    ImportCodebook,
    /// Import this codebook file (the answer of a file dialog).
    ImportCodebookFrom(PathBuf),
    /// Open the codebook editor at its relation types (attributes, document variables).
    EditRelationTypes,
    EditAttributes,
    EditDocumentVariables,
}

/// Where a command's shortcuts work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Everywhere, also while a text field has the keyboard (shortcuts with a modifier, F-keys).
    Always,
    /// While the document has the keyboard: no text field focused and no dialog open.
    Document,
}

impl Context {
    /// Whether shortcuts of the two contexts can be pressed in the same situation.
    pub fn overlaps(self, other: Context) -> bool {
        self == Context::Always || other == Context::Always || self == other
    }
}

/// What menus, tooltips, the keyboard help and the key handling know about a command.
#[derive(Clone, Copy, Debug)]
pub struct CommandInfo {
    /// Menu text, sentence case, `…` when it opens a dialog.
    pub text: &'static str,
    /// One sentence: what it does.
    pub tooltip: &'static str,
    /// Every key that triggers it, the first one shown in menus.
    pub shortcuts: &'static [KeyboardShortcut],
    pub context: Context,
}

const fn key(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}

const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::SHIFT, key)
}

const fn alt(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::ALT, key)
}

const fn cmd_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

/// A `'static` list of shortcuts (a `const`, so it lives for ever).
macro_rules! keys {
    ($($shortcut:expr),* $(,)?) => {{
        const KEYS: &[KeyboardShortcut] = &[$($shortcut),*];
        KEYS
    }};
}

const fn info(
    text: &'static str,
    tooltip: &'static str,
    shortcuts: &'static [KeyboardShortcut],
    context: Context,
) -> CommandInfo {
    CommandInfo { text, tooltip, shortcuts, context }
}

impl Command {
    /// The commands a user invokes directly, in the order the keyboard help lists them.
    pub fn catalog() -> [Command; 52] {
        [
            Command::NewProject,
            Command::Open,
            Command::AddDocument,
            Command::Save,
            Command::SaveAs,
            Command::Quit,
            Command::Undo,
            Command::Redo,
            Command::DeleteAnnotation,
            Command::ClearSelection,
            Command::EditAnnotatorName,
            Command::Find,
            Command::PageDown,
            Command::PageUp,
            Command::GoToStart,
            Command::GoToEnd,
            Command::ShowShortcuts,
            Command::SpanToSelection,
            Command::SetTheme(Theme::System),
            Command::Import,
            Command::OpenUrl,
            Command::CleanUp,
            Command::Export,
            Command::ImportAnnotations,
            Command::ToggleCodingPanel,
            Command::StartRelation,
            Command::ConfirmRelation,
            Command::NextAnnotation,
            Command::PreviousAnnotation,
            Command::CommandPalette,
            Command::TagAll,
            Command::ToggleAgreementPanel,
            Command::NextDisagreement,
            Command::PreviousDisagreement,
            Command::AcceptDisagreement(super::agreement::Pick::A),
            Command::AcceptDisagreement(super::agreement::Pick::B),
            Command::AcceptDisagreement(super::agreement::Pick::Both),
            // Several coders (issue 12, part A).
            Command::BringInCoders,
            Command::ToggleCodersPanel,
            Command::ShowAllCoders,
            Command::ShowOnlyMyLayer,
            Command::MarkDone,
            Command::MarkNotDone,
            Command::ToggleBlindCoding,
            Command::PrepareAssignment,
            Command::GradeStudents,
            Command::ShowInstructions,
            // The codebook's entries and files (issue 10, codebook).
            Command::ExportCodebook,
            Command::ImportCodebook,
            Command::EditRelationTypes,
            Command::EditAttributes,
            Command::EditDocumentVariables,
        ]
    }

    /// Menu text, tooltip, shortcuts and context of a command the user invokes directly; `None`
    /// for commands only widgets and dialogs send (with a payload, or internal).
    pub fn info(&self) -> Option<CommandInfo> {
        use Context::{Always, Document};
        Some(match self {
            Command::NewProject => info("New project", "Start an empty project", keys![cmd(Key::N)], Always),
            Command::Open => {
                info("Open…", "Open a project (.spanwise.ron) or a text to annotate", keys![cmd(Key::O)], Always)
            }
            Command::AddDocument => {
                info("Add document…", "Add a text to this project", keys![cmd_shift(Key::O)], Always)
            }
            Command::Save => info("Save", "Save the project to its file", keys![cmd(Key::S)], Always),
            Command::SaveAs => info("Save as…", "Save the project to another file", keys![cmd_shift(Key::S)], Always),
            Command::Quit => info("Quit", "Close Spanwise (asks first if work is unsaved)", keys![cmd(Key::Q)], Always),
            Command::Undo => info("Undo", "Undo the last change", keys![cmd(Key::Z)], Always),
            Command::Redo => info("Redo", "Redo what was undone", keys![cmd_shift(Key::Z), cmd(Key::Y)], Always),
            Command::DeleteAnnotation => info(
                "Delete annotation",
                "Delete the selected annotation (and its relations)",
                keys![key(Key::Delete), key(Key::Backspace)],
                Document,
            ),
            Command::ClearSelection => {
                info("Clear selection", "Deselect the text and the annotation", keys![key(Key::Escape)], Document)
            }
            Command::EditAnnotatorName => {
                info("Annotator name…", "Change the name recorded on your annotations", keys![], Always)
            }
            Command::Find => info("Find…", "Find text in the document", keys![cmd(Key::F)], Always),
            Command::PageDown => info("Page down", "Scroll down by a screen", keys![key(Key::PageDown)], Document),
            Command::PageUp => info("Page up", "Scroll up by a screen", keys![key(Key::PageUp)], Document),
            Command::GoToStart => {
                info("Go to start", "Go to the start of the document", keys![key(Key::Home), cmd(Key::Home)], Document)
            }
            Command::GoToEnd => {
                info("Go to end", "Go to the end of the document", keys![key(Key::End), cmd(Key::End)], Document)
            }
            Command::ShowShortcuts => {
                info("Keyboard shortcuts", "Every key Spanwise knows", keys![key(Key::F1)], Always)
            }
            Command::SpanToSelection => {
                info("Set span to selection", "Make the selected annotation cover the selected text", keys![], Document)
            }
            Command::SetTheme(_) => info("Theme", "Light, dark, or as the system", keys![], Always),
            Command::Import => info(
                "Import…",
                "Import many documents at once: files, folders, zip archives, CSV/TSV/JSONL corpora",
                keys![cmd(Key::I)],
                Always,
            ),
            Command::OpenUrl => {
                info("Open URL…", "Fetch a web page and import its article as a document", keys![cmd(Key::L)], Always)
            }
            Command::CleanUp => info(
                "Clean up…",
                "Remove page clutter (navigation, repeated lines, comments) and set title, author and date, before \
                 annotating",
                keys![cmd_shift(Key::K)],
                Always,
            ),
            Command::Export => info(
                "Export…",
                "Export the annotations for R, SPSS, pandas, spaCy, brat, Label Studio, QDA tools…",
                keys![cmd(Key::E)],
                Always,
            ),
            Command::ImportAnnotations => info(
                "Import annotations…",
                "Import annotations from json, brat, Label Studio, doccano, W3C or REFI-QDA files",
                keys![],
                Always,
            ),
            Command::ToggleCodingPanel => info(
                "Codebook panel",
                "Show or hide the codebook (definitions, editor, lock), document variables and memos",
                keys![cmd(Key::B)],
                Always,
            ),
            Command::StartRelation => info(
                "Relate…",
                "Link the selected annotation to another: pick it with Tab or the arrows, then Enter (Alt+click \
                 also links)",
                keys![key(Key::R)],
                Document,
            ),
            Command::ConfirmRelation => {
                info("Link to target", "Finish the relation at the annotation picked", keys![key(Key::Enter)], Document)
            }
            Command::NextAnnotation => info(
                "Next annotation",
                "Select the next annotation and scroll to it (while relating: the next target)",
                keys![key(Key::Tab)],
                Document,
            ),
            Command::PreviousAnnotation => info(
                "Previous annotation",
                "Select the previous annotation and scroll to it (while relating: the previous target)",
                keys![shift(Key::Tab)],
                Document,
            ),
            Command::CommandPalette => {
                info("Command palette…", "Find any command by name and run it", keys![cmd(Key::K)], Always)
            }
            Command::TagAll => info(
                "Tag all occurrences…",
                "Tag every occurrence of the selected text, in this document or the whole project",
                keys![cmd_shift(Key::T)],
                Document,
            ),
            Command::ToggleAgreementPanel => info(
                "Agreement panel",
                "Show or hide agreement between coders (alpha_U, F1, attributes), its chart, and the compare and \
                 adjudicate view",
                keys![cmd_shift(Key::A)],
                Always,
            ),
            Command::NextDisagreement => info(
                "Next disagreement",
                "Select the next disagreement of the two coders compared and scroll to it",
                keys![key(Key::CloseBracket), alt(Key::ArrowDown)],
                Document,
            ),
            Command::PreviousDisagreement => info(
                "Previous disagreement",
                "Select the previous disagreement of the two coders compared and scroll to it",
                keys![key(Key::OpenBracket), alt(Key::ArrowUp)],
                Document,
            ),
            Command::AcceptDisagreement(super::agreement::Pick::A) => info(
                "Accept A",
                "Copy coder A's version of the current disagreement into the gold layer",
                keys![alt(Key::Num1)],
                Document,
            ),
            Command::AcceptDisagreement(super::agreement::Pick::B) => info(
                "Accept B",
                "Copy coder B's version of the current disagreement into the gold layer",
                keys![alt(Key::Num2)],
                Document,
            ),
            Command::AcceptDisagreement(super::agreement::Pick::Both) => info(
                "Accept both",
                "Copy both versions of the current disagreement into the gold layer",
                keys![alt(Key::Num3)],
                Document,
            ),
            // Several coders (issue 12, part A).
            Command::BringInCoders => info(
                "Bring in coders' files…",
                "Add other coders' project files (several, or a folder): documents matched by text, each coder's \
                 annotations kept as their layer",
                keys![],
                Always,
            ),
            Command::ToggleCodersPanel => info(
                "Coders panel",
                "Show or hide the coders: whose layers are shown, and who is done",
                keys![],
                Always,
            ),
            Command::ShowAllCoders => info("Show all coders", "Show every coder's annotations", keys![], Always),
            Command::ShowOnlyMyLayer => {
                info("Show only my layer", "Show only the annotations you made", keys![], Always)
            }
            Command::MarkDone => info(
                "Mark done for me",
                "Say you have finished this document (with blind coding, others' layers show from then on)",
                keys![cmd_shift(Key::D)],
                Always,
            ),
            Command::MarkNotDone => {
                info("Mark not done for me", "Say you are still working on this document", keys![], Always)
            }
            Command::ToggleBlindCoding => info(
                "Blind coding",
                "A project setting: each coder sees only their own layer on a document until they mark it done",
                keys![],
                Always,
            ),
            // Right-to-left and mixed scripts (issue 13).
            Command::SetDirection(crate::model::bidi::TextDirection::Auto) => info(
                "Text direction: automatic",
                "Each paragraph runs the way its first letter does (Persian, Arabic, Hebrew right to left)",
                keys![],
                Document,
            ),
            Command::SetDirection(crate::model::bidi::TextDirection::Ltr) => info(
                "Text direction: left to right",
                "Every paragraph of this document runs left to right",
                keys![],
                Document,
            ),
            Command::SetDirection(crate::model::bidi::TextDirection::Rtl) => info(
                "Text direction: right to left",
                "Every paragraph of this document runs right to left, right-aligned",
                keys![],
                Document,
            ),
            Command::PrepareAssignment => info(
                "Prepare assignment…",
                "Make the file to hand out to students: these documents, the codebook locked, your instructions, and \
                 none of your annotations",
                keys![],
                Always,
            ),
            Command::GradeStudents => info(
                "Grade students…",
                "Grade students' files against this project as the key: F1 per label, relations, completion; a \
                 gradebook CSV and a feedback page per student",
                keys![],
                Always,
            ),
            Command::ShowInstructions => {
                info("Assignment instructions", "Show this assignment's instructions again", keys![], Always)
            }

            _ => return codebook::info_of(self),
        })
    }

    /// The shortcut shown next to the command in menus.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        self.info().and_then(|info| info.shortcuts.first().copied())
    }

    /// Every (shortcut, command) of the catalog, those with more modifiers first, so that
    /// Ctrl+Shift+S is matched before Ctrl+S would take it.
    pub fn shortcut_table() -> Vec<(KeyboardShortcut, Command, Context)> {
        let mut table: Vec<(KeyboardShortcut, Command, Context)> = Command::catalog()
            .into_iter()
            .filter_map(|command| command.info().map(|info| (command, info)))
            .flat_map(|(command, info)| {
                info.shortcuts.iter().map(move |shortcut| (*shortcut, command.clone(), info.context))
            })
            .collect();
        table.sort_by_key(|(shortcut, _, _)| std::cmp::Reverse(modifier_count(shortcut.modifiers)));
        table
    }
}

fn modifier_count(modifiers: Modifiers) -> usize {
    [modifiers.alt, modifiers.ctrl || modifiers.command || modifiers.mac_cmd, modifiers.shift]
        .into_iter()
        .filter(|&m| m)
        .count()
}

/// The codebook's commands' texts (issue 10, codebook).
#[path = "commands_codebook.rs"]
mod codebook;

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
