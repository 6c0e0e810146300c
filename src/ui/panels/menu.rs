//! The menu bar, generated from the command list: each item's text, tooltip and shortcut come
//! from [`Command::info`]; this file only says which command goes in which menu.

use crate::settings::Theme;
use crate::ui::app::SpanwiseApp;
use crate::ui::commands::Command;

/// One entry of a menu.
enum Item {
    Command(Command),
    /// The "Open recent" submenu.
    RecentFiles,
    /// The theme choice (radio buttons).
    Themes,
    Separator,
}

fn menus() -> [(&'static str, Vec<Item>); 6] {
    use Item::{Command as C, Separator};
    [
        (
            "File",
            vec![
                C(Command::NewProject),
                C(Command::Open),
                Item::RecentFiles,
                C(Command::AddDocument),
                C(Command::Import),
                C(Command::OpenUrl),
                Separator,
                C(Command::Save),
                C(Command::SaveAs),
                Separator,
                C(Command::Export),
                C(Command::ImportAnnotations),
                C(Command::BringInCoders),
                // The codebook on its own (issue 10, codebook).
                C(Command::ExportCodebook),
                C(Command::ImportCodebook),
                Separator,
                C(Command::PrepareAssignment),
                Separator,
                C(Command::Quit),
            ],
        ),
        (
            "Edit",
            vec![
                C(Command::Undo),
                C(Command::Redo),
                Separator,
                C(Command::DeleteAnnotation),
                C(Command::SpanToSelection),
                Separator,
                C(Command::Find),
                Separator,
                C(Command::EditAnnotatorName),
                // Relations, bulk tagging and the palette (issue 10, part B).
                Separator,
                C(Command::StartRelation),
                C(Command::TagAll),
                C(Command::CommandPalette),
            ],
        ),
        (
            "Document",
            vec![
                C(Command::CleanUp),
                // Several coders (issue 12, part A).
                Separator,
                C(Command::MarkDone),
                C(Command::MarkNotDone),
                // Right-to-left and mixed scripts (issue 13).
                Separator,
                C(Command::SetDirection(crate::model::bidi::TextDirection::Auto)),
                C(Command::SetDirection(crate::model::bidi::TextDirection::Ltr)),
                C(Command::SetDirection(crate::model::bidi::TextDirection::Rtl)),
            ],
        ),
        (
            "View",
            vec![
                Item::Themes,
                Separator,
                C(Command::ToggleCodingPanel),
                // The codebook editor's sections (issue 10, codebook).
                C(Command::EditRelationTypes),
                C(Command::EditAttributes),
                C(Command::EditDocumentVariables),
                // Several coders (issue 12, part A).
                Separator,
                C(Command::ToggleCodersPanel),
                C(Command::ShowAllCoders),
                C(Command::ShowOnlyMyLayer),
                C(Command::ToggleBlindCoding),
            ],
        ),
        // Agreement, compare and adjudication (issue 12, part B).
        (
            "Analysis",
            vec![
                C(Command::ToggleAgreementPanel),
                Separator,
                C(Command::NextDisagreement),
                C(Command::PreviousDisagreement),
                C(Command::AcceptDisagreement(crate::ui::agreement::Pick::A)),
                C(Command::AcceptDisagreement(crate::ui::agreement::Pick::B)),
                C(Command::AcceptDisagreement(crate::ui::agreement::Pick::Both)),
                // The classroom (issue 12, part C).
                Separator,
                C(Command::GradeStudents),
            ],
        ),
        ("Help", vec![C(Command::ShowShortcuts), C(Command::ShowInstructions)]),
    ]
}

impl SpanwiseApp {
    /// Whether a command can run now (menu items are greyed out otherwise).
    fn command_enabled(&self, command: &Command) -> bool {
        match command {
            Command::Save => self.session().read_only_because().is_none(),
            Command::Undo => self.session().history().can_undo(),
            Command::Redo => self.session().history().can_redo(),
            Command::DeleteAnnotation => self.selected_annotation.is_some(),
            Command::SpanToSelection => {
                self.selected_annotation.is_some() && self.view.as_ref().and_then(|v| v.selected_range()).is_some()
            }
            Command::Find => self.view.is_some(),
            Command::Import | Command::OpenUrl => self.import_job.is_none(),
            Command::CleanUp => self.document().is_some_and(|d| d.annotations.is_empty()),
            Command::StartRelation => self.selected_annotation.is_some(),
            Command::TagAll => self.view.as_ref().and_then(|v| v.selected_range()).is_some(),
            Command::AcceptDisagreement(_) => self.agreement.compare.current.is_some(),
            Command::MarkDone | Command::MarkNotDone => self.coders_command_enabled(command),
            Command::SetDirection(direction) => self.document().is_some_and(|d| d.direction != *direction),
            Command::PrepareAssignment | Command::GradeStudents => !self.project().documents.is_empty(),
            Command::ShowInstructions => !self.project().instructions.trim().is_empty(),
            _ => true,
        }
    }

    /// The menu text, with what undo and redo would do.
    fn menu_text(&self, command: &Command, text: &str) -> String {
        let history = self.session().history();
        match command {
            Command::Undo => history.undo_description().map_or_else(|| text.to_owned(), |d| format!("Undo {d}")),
            Command::Redo => history.redo_description().map_or_else(|| text.to_owned(), |d| format!("Redo {d}")),
            Command::ToggleBlindCoding | Command::ShowAllCoders | Command::ShowOnlyMyLayer => {
                self.coders_menu_text(command, text)
            }
            _ => text.to_owned(),
        }
    }

    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let mut pending = Vec::new();
        let ctx = ui.ctx().clone();
        for (title, items) in menus() {
            ui.menu_button(title, |ui| {
                for item in items {
                    match item {
                        Item::Command(command) => {
                            let Some(info) = command.info() else { continue };
                            let shortcut = info.shortcuts.first().map(|s| ctx.format_shortcut(s)).unwrap_or_default();
                            let button = egui::Button::new(self.menu_text(&command, info.text)).shortcut_text(shortcut);
                            let response =
                                ui.add_enabled(self.command_enabled(&command), button).on_hover_text(info.tooltip);
                            if response.clicked() {
                                pending.push(command);
                                ui.close();
                            }
                        }
                        Item::RecentFiles => {
                            ui.menu_button("Open recent", |ui| {
                                if self.settings.recent_files.is_empty() {
                                    ui.label("No recent files");
                                }
                                for path in &self.settings.recent_files {
                                    if ui.button(path.display().to_string()).clicked() {
                                        pending.push(Command::OpenPath(path.clone()));
                                        ui.close();
                                    }
                                }
                            });
                        }
                        Item::Themes => {
                            ui.label("Theme");
                            let mut theme = self.settings.theme;
                            ui.radio_value(&mut theme, Theme::System, "Follow the system");
                            ui.radio_value(&mut theme, Theme::Light, "Light");
                            ui.radio_value(&mut theme, Theme::Dark, "Dark");
                            if theme != self.settings.theme {
                                pending.push(Command::SetTheme(theme));
                            }
                            ui.separator();
                            self.file_chooser_setting_ui(ui);
                        }
                        Item::Separator => {
                            ui.separator();
                        }
                    }
                }
            });
        }
        for command in pending {
            self.command(command);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_command_with_a_menu_text_is_in_a_menu_or_key_only_on_purpose() {
        let in_menus: Vec<Command> = menus()
            .into_iter()
            .flat_map(|(_, items)| items)
            .filter_map(|item| match item {
                Item::Command(command) => Some(command),
                _ => None,
            })
            .collect();
        // Moving through the text and clearing the selection are keys, not menu items.
        let keys_only = [
            Command::ClearSelection,
            Command::PageDown,
            Command::PageUp,
            Command::GoToStart,
            Command::GoToEnd,
            Command::SetTheme(Theme::System),
            // Moving between annotations and finishing a relation are keys too.
            Command::ConfirmRelation,
            Command::NextAnnotation,
            Command::PreviousAnnotation,
        ];
        for command in Command::catalog() {
            assert!(in_menus.contains(&command) || keys_only.contains(&command), "{command:?} is in no menu");
        }
    }
}
