//! Document › Clean up…: the clean-up proposals (`formats::cleanup`) for a text with page
//! clutter, shown in the text itself (struck through, with a checkbox each), the article's first
//! and last line adjustable, and the title, author and date found in the clutter editable. Apply
//! replaces the text and metadata in one undo step — only while the document has no annotations.

use std::collections::BTreeMap;
use std::ops::Range;

use egui::RichText;

use crate::formats::cleanup::{self, CleanupPlan, ProposalKind};
use crate::model::Document;
use crate::ui::commands::Command;

/// What Apply asks for: the document's new text and metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct CleanedText {
    pub document: String,
    pub text: String,
    pub metadata: BTreeMap<String, String>,
}

/// One line of the text as the dialog shows it.
#[derive(Clone, Debug)]
struct Line {
    /// Code points, with the line end.
    range: Range<usize>,
    text: String,
}

#[derive(Clone, Debug)]
pub struct CleanupView {
    pub document: String,
    pub name: String,
    text: String,
    metadata: BTreeMap<String, String>,
    pub plan: CleanupPlan,
    lines: Vec<Line>,
    pub title: String,
    pub author: String,
    pub date: String,
    /// First and last line of the article, 1-based.
    pub first_line: usize,
    pub last_line: usize,
    /// Annotation has started: the text is fixed.
    annotated: bool,
    /// The encoding the text was read in, and whether its file is there to read again.
    encoding: Option<String>,
    source_exists: bool,
    /// The encoding chosen to read it again in.
    pub reread_as: String,
    error: Option<String>,
}

impl CleanupView {
    pub fn new(document: &Document) -> Self {
        let text = document.text.clone();
        let plan = cleanup::plan(&text);
        let mut lines = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let len = line.chars().count();
            lines.push(Line { range: at..at + len, text: line.trim_end_matches(['\n', '\r']).to_owned() });
            at += len;
        }
        let line_of = |offset: usize| lines.iter().position(|l| l.range.contains(&offset)).unwrap_or(0) + 1;
        let first_line = line_of(plan.body.start);
        let last_line = if plan.body.end == 0 { 1 } else { line_of(plan.body.end - 1) };
        let found = plan.found.clone();
        let known = |key: &str, found: Option<String>| {
            found.or_else(|| document.metadata.get(key).cloned()).unwrap_or_default()
        };
        Self {
            document: document.id.clone(),
            name: document.name.clone(),
            metadata: document.metadata.clone(),
            title: known("title", found.title),
            author: known("author", found.author),
            date: known("date", found.date),
            first_line,
            last_line,
            annotated: !document.annotations.is_empty(),
            encoding: document.metadata.get("encoding").cloned(),
            source_exists: document.metadata.get("source").is_some_and(|s| std::path::Path::new(s).is_file()),
            reread_as: document.metadata.get("encoding").cloned().unwrap_or_else(|| "UTF-8".into()),
            plan,
            lines,
            text: text.to_string(),
            error: None,
        }
    }

    /// Whether the clean-up proposes anything for this text.
    pub fn proposes_anything(&self) -> bool {
        !self.plan.proposals.is_empty()
    }

    /// Moves the article's first and last line (1-based, inclusive).
    pub fn set_body_lines(&mut self, first: usize, last: usize) {
        let count = self.lines.len().max(1);
        let first = first.clamp(1, count);
        let last = last.clamp(first, count);
        self.first_line = first;
        self.last_line = last;
        let (Some(start), Some(end)) = (self.lines.get(first - 1), self.lines.get(last - 1)) else {
            return;
        };
        // The article ends at the end of its last line, without the line end.
        let end = end.range.start + end.text.chars().count();
        self.plan.set_body(&self.text, start.range.start..end);
    }

    /// What Apply produces.
    pub fn result(&self) -> Result<CleanedText, String> {
        let text = self.plan.apply(&self.text);
        if text.trim().is_empty() {
            return Err("Nothing would be left of the text: keep some lines".into());
        }
        let mut metadata = self.metadata.clone();
        for (key, value) in [("title", &self.title), ("author", &self.author), ("date", &self.date)] {
            if value.trim().is_empty() {
                metadata.remove(key);
            } else {
                metadata.insert(key.to_owned(), value.trim().to_owned());
            }
        }
        Ok(CleanedText { document: self.document.clone(), text, metadata })
    }

    /// Shows the view; returns whether it stays open and the command to run.
    pub fn ui(&mut self, ui: &mut egui::Ui) -> (bool, Option<Command>) {
        let mut keep = true;
        let mut command = None;
        ui.heading(format!("Clean up {}", self.name));
        if self.annotated {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "This document has annotations: its text is fixed (offsets point into it). Clean up a text before \
                 annotating it.",
            );
        } else {
            ui.label(
                "Struck-through lines are removed. Untick a line to keep it; move the article's first and last line; \
                 check the title, author and date.",
            );
        }
        self.encoding_ui(ui, &mut command);
        if command.is_some() {
            return (false, command);
        }
        ui.add_space(4.0);
        egui::Grid::new("cleanup_variables").num_columns(2).show(ui, |ui| {
            for (name, value) in [("Title", &mut self.title), ("Author", &mut self.author), ("Date", &mut self.date)] {
                let label = ui.label(name);
                ui.add(egui::TextEdit::singleline(value).desired_width(440.0)).labelled_by(label.id);
                ui.end_row();
            }
        });
        let count = self.lines.len().max(1);
        let (mut first, mut last) = (self.first_line, self.last_line);
        ui.horizontal(|ui| {
            let label = ui.label("Article from line");
            ui.add(egui::DragValue::new(&mut first).range(1..=count)).labelled_by(label.id);
            let label = ui.label("to line");
            ui.add(egui::DragValue::new(&mut last).range(1..=count)).labelled_by(label.id);
            ui.label(format!("of {count}"));
        });
        if (first, last) != (self.first_line, self.last_line) {
            self.set_body_lines(first, last.max(first));
        }
        ui.add_space(4.0);
        self.text_ui(ui);
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let removed = self.plan.proposals.iter().filter(|p| p.accepted).count();
        ui.horizontal(|ui| {
            let apply = ui.add_enabled(!self.annotated, egui::Button::new("Apply")).on_hover_text(format!(
                "Remove {removed} proposed parts and set the variables (Ctrl+Enter); one undo step"
            ));
            let keyboard =
                !self.annotated && ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
            if apply.clicked() || keyboard {
                match self.result() {
                    Ok(cleaned) => {
                        keep = false;
                        command = Some(Command::ApplyCleanup(cleaned));
                    }
                    Err(message) => self.error = Some(message),
                }
            }
            if ui.button("Keep the text as it is").clicked() {
                keep = false;
            }
        });
        (keep, command)
    }

    /// The encoding the text was read in, and another to read its file in (before annotating).
    fn encoding_ui(&mut self, ui: &mut egui::Ui, command: &mut Option<Command>) {
        let Some(encoding) = &self.encoding else {
            return;
        };
        ui.horizontal(|ui| {
            ui.label(format!("Read as {encoding}."));
            if !self.source_exists || self.annotated {
                return;
            }
            let label = ui.label("Read again as");
            egui::ComboBox::from_id_salt("reread_encoding")
                .selected_text(self.reread_as.clone())
                .show_ui(ui, |ui| {
                    for choice in ENCODINGS {
                        ui.selectable_value(&mut self.reread_as, (*choice).to_owned(), *choice);
                    }
                })
                .response
                .labelled_by(label.id);
            let differs = !self.reread_as.eq_ignore_ascii_case(encoding);
            if ui
                .add_enabled(differs, egui::Button::new("Read again"))
                .on_hover_text("Replace the text with the file read in this encoding (one undo step)")
                .clicked()
            {
                *command = Some(Command::Reread { document: self.document.clone(), encoding: self.reread_as.clone() });
            }
        });
    }

    fn text_ui(&mut self, ui: &mut egui::Ui) {
        let row_height = ui.text_style_height(&egui::TextStyle::Body).max(ui.spacing().interact_size.y);
        let weak = ui.visuals().weak_text_color();
        egui::ScrollArea::vertical().id_salt("cleanup_text").max_height(380.0).auto_shrink([false, true]).show_rows(
            ui,
            row_height,
            self.lines.len(),
            |ui, rows| {
                for row in rows {
                    let line = &self.lines[row];
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(format!("{:>4}", row + 1)).monospace().color(weak));
                        let mut starts_here = false;
                        for proposal in self.plan.proposals.iter_mut().filter(|p| p.range.start == line.range.start) {
                            starts_here = true;
                            let tip = format!("{} — untick to keep", proposal.reason);
                            ui.checkbox(&mut proposal.accepted, "").on_hover_text(tip);
                        }
                        if !starts_here {
                            ui.add_space(ui.spacing().interact_size.y + ui.spacing().item_spacing.x);
                        }
                        let removed =
                            self.plan.proposals.iter().any(|p| {
                                p.accepted && p.range.start <= line.range.start && line.range.start < p.range.end
                            });
                        let shown = if line.text.is_empty() { " " } else { line.text.as_str() };
                        let text = if removed && !line.text.is_empty() {
                            RichText::new(shown).strikethrough().color(weak)
                        } else {
                            RichText::new(shown)
                        };
                        let reason = self
                            .plan
                            .proposals
                            .iter()
                            .find(|p| p.range.start == line.range.start)
                            .map(|p| kind_words(&p.kind));
                        ui.add(egui::Label::new(text).truncate());
                        if let Some(reason) = reason {
                            ui.label(RichText::new(reason).small().italics().color(weak));
                        }
                    });
                }
            },
        );
    }
}

/// The encodings offered when the detected one is wrong (WHATWG names).
const ENCODINGS: &[&str] = &[
    "UTF-8",
    "UTF-16LE",
    "UTF-16BE",
    "windows-1252",
    "ISO-8859-1",
    "ISO-8859-2",
    "windows-1250",
    "windows-1251",
    "KOI8-R",
    "windows-1256",
    "ISO-8859-6",
    "windows-1255",
    "windows-1253",
    "windows-1254",
    "GB18030",
    "Big5",
    "Shift_JIS",
    "EUC-JP",
    "EUC-KR",
];

fn kind_words(kind: &ProposalKind) -> &'static str {
    match kind {
        ProposalKind::BeforeBody => "before the article",
        ProposalKind::AfterBody => "after the article",
        ProposalKind::Duplicate => "repeated line",
        ProposalKind::Repeated => "recurring line",
        ProposalKind::ReadingTime => "reading time",
        ProposalKind::Date => "date",
        ProposalKind::Author => "author",
        ProposalKind::PageControl => "page control",
        ProposalKind::NoWords => "no words",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::new("d1", "page.txt", text.to_owned())
    }

    #[test]
    fn moving_the_body_lines_keeps_what_is_inside_them() {
        let text = "Close button\nHeadline ü 👋🏽\n\nFirst 👨‍👩‍👧 line می‌خواهم\nSecond 中文 line\n\ncomments\n";
        let mut view = CleanupView::new(&doc(text));
        view.set_body_lines(2, 5);
        let cleaned = view.result().unwrap();
        assert_eq!(cleaned.text, "Headline ü 👋🏽\n\nFirst 👨‍👩‍👧 line می‌خواهم\nSecond 中文 line");
        view.set_body_lines(4, 4);
        assert_eq!(view.result().unwrap().text, "First 👨‍👩‍👧 line می‌خواهم");
    }

    #[test]
    fn clearing_a_variable_removes_it_and_nothing_left_is_refused() {
        let mut document = doc("Close button\nHeadline ü 👋🏽\n\nBody 中文 می‌خواهم.\n");
        document.metadata.insert("title".into(), "Old title".into());
        let mut view = CleanupView::new(&document);
        view.title.clear();
        view.author = " Ana 👨‍👩‍👧 ".into();
        let cleaned = view.result().unwrap();
        assert!(!cleaned.metadata.contains_key("title"));
        assert_eq!(cleaned.metadata["author"], "Ana 👨‍👩‍👧");
        for proposal in &mut view.plan.proposals {
            proposal.accepted = true;
        }
        view.plan.proposals.push(cleanup::Proposal {
            kind: ProposalKind::AfterBody,
            range: 0..document.text.chars().count(),
            removed: document.text.to_string(),
            reason: "everything".into(),
            accepted: true,
        });
        assert_eq!(view.result().unwrap_err(), "Nothing would be left of the text: keep some lines");
    }
}
