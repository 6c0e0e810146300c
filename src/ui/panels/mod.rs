//! The panels around the text: menu bar, label bar, banner, status bar, the navigator (documents
//! and the annotation list) on the left, the inspector on the right, the document in the middle.
//! Panels read the app's state and push [`Command`](super::commands::Command)s; the only state
//! they change themselves is view state (filters, search text, the note being typed).
//!
//! A new panel goes here as a file with one `impl SpanwiseApp { fn …_ui }` and a line in
//! [`SpanwiseApp::panels_ui`].

mod agreement;
mod attributes;
mod bars;
mod codebook_attributes;
mod codebook_entries;
mod codebook_fields;
mod codebook_kinds;
mod codebook_relations;
mod coders;
mod coding;
mod compare;
mod document;
mod inspector;
mod memos;
mod menu;
mod navigator;
mod relations;

use super::app::SpanwiseApp;

impl SpanwiseApp {
    /// Lays out every panel for this frame.
    pub(crate) fn panels_ui(&mut self, ui: &mut egui::Ui) {
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
        if self.coding.panel_open {
            egui::Panel::right("coding_panel")
                .resizable(true)
                .default_size(300.0)
                .min_size(220.0)
                .show(ui, |ui| self.coding_panel_ui(ui));
        }
        if self.coders.panel_open {
            egui::Panel::right("coders_panel")
                .resizable(true)
                .default_size(260.0)
                .min_size(200.0)
                .show(ui, |ui| self.coders_panel_ui(ui));
        }
        if self.agreement.panel_open {
            // The text keeps at least 40 % of what is left, so stepping through disagreements shows them.
            let room = ui.available_width();
            egui::Panel::right("agreement_panel")
                .resizable(true)
                .default_size(440.0_f32.min(room * 0.6))
                .size_range(200.0_f32.min(room * 0.6)..=(room * 0.6).max(200.0))
                .show(ui, |ui| self.agreement_panel_ui(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.document_ui(ui));
    }
}
