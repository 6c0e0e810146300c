//! "Tag all occurrences": the selected phrase, found in this document or the whole project (match
//! case and whole words as options), with the count shown before anything is tagged. Tagging
//! sends one command, applied as one undo step.

use std::ops::Range;

use egui::RichText;

use crate::model::Project;
use crate::model::relating::{MatchOptions, occurrences};
use crate::ui::commands::Command;
use crate::ui::doc_view::{excerpt, label_color};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Document,
    Project,
}

/// Occurrences: (document id, code point range).
type Found = Vec<(String, Range<usize>)>;

#[derive(Debug)]
pub struct TagAllDialog {
    pub phrase: String,
    document: String,
    pub label: String,
    pub options: MatchOptions,
    pub scope: Scope,
    /// The occurrences for the options they were found with.
    found: Option<((MatchOptions, Scope), Found)>,
}

impl TagAllDialog {
    pub fn new(phrase: String, document: String, label: String, options: MatchOptions) -> Self {
        Self { phrase, document, label, options, scope: Scope::Document, found: None }
    }

    /// Every occurrence for the current options: (document id, range).
    pub fn occurrences(&mut self, project: &Project) -> &[(String, Range<usize>)] {
        let key = (self.options, self.scope);
        if self.found.as_ref().is_none_or(|(k, _)| *k != key) {
            let mut all = Vec::new();
            for document in &project.documents {
                if self.scope == Scope::Document && document.id != self.document {
                    continue;
                }
                all.extend(
                    occurrences(document, &self.phrase, self.options).into_iter().map(|r| (document.id.clone(), r)),
                );
            }
            self.found = Some((key, all));
        }
        self.found.as_ref().map_or(&[], |(_, found)| found.as_slice())
    }

    /// Returns (keep open, the command to run).
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, project: &Project) -> (bool, Option<Command>) {
        ui.heading("Tag all occurrences");
        ui.label(RichText::new(format!("“{}”", excerpt(&self.phrase, 80))).strong());
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.scope, Scope::Document, "This document");
            ui.radio_value(&mut self.scope, Scope::Project, "Whole project");
        });
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.options.match_case, "Match case");
            ui.checkbox(&mut self.options.whole_word, "Whole words only");
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Label:");
            for label in &project.codebook.labels {
                let color = label_color(&project.codebook, &label.id);
                let text = RichText::new(&label.name).color(color);
                ui.radio_value(&mut self.label, label.id.clone(), text);
            }
        });
        let count = self.occurrences(project).len();
        let documents = {
            let mut ids: Vec<&str> = self.occurrences(project).iter().map(|(d, _)| d.as_str()).collect();
            ids.dedup();
            ids.len()
        };
        ui.add_space(6.0);
        let preview = match (count, self.scope) {
            (0, _) => "No occurrences found".to_owned(),
            (n, Scope::Document) => format!("{n} occurrences in this document"),
            (n, Scope::Project) => format!("{n} occurrences in {documents} documents"),
        };
        ui.label(RichText::new(preview).strong());
        let (enter, escape) = ui.input(|i| (i.key_pressed(egui::Key::Enter), i.key_pressed(egui::Key::Escape)));
        let mut run = false;
        let mut keep = !escape;
        ui.horizontal(|ui| {
            let name = project.codebook.label(&self.label).map_or("", |l| l.name.as_str());
            if ui.add_enabled(count > 0, egui::Button::new(format!("Tag {count} as {name}"))).clicked() {
                run = true;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        ui.label(RichText::new("Enter tags them all; one Undo removes them all.").weak());
        if (run || enter) && count > 0 {
            let ranges = self.occurrences(project).to_vec();
            return (false, Some(Command::TagRanges { label: self.label.clone(), ranges }));
        }
        (keep, None)
    }
}
