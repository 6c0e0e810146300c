//! "Who is annotating?": the name recorded on the user's annotations.

use egui::RichText;

/// "Who is annotating?": asks for the name recorded on the user's annotations.
#[derive(Clone, Debug)]
pub struct NamePrompt {
    pub input: String,
    /// The name before this prompt opened; empty on the first run.
    previous: String,
    /// What Escape uses on the first run: the system's name for the user (may be empty).
    fallback: String,
    /// The text field still has to be given the keyboard focus (once: requesting it every frame
    /// restarts the input method each frame, which in a real window eats every key and repaints
    /// without end).
    focus_pending: bool,
    error: Option<String>,
}

impl NamePrompt {
    /// A prompt for the current name (empty on the first run); `fallback` is what Escape uses on
    /// the first run.
    pub fn new(current: &str, fallback: &str) -> Self {
        Self {
            input: current.to_owned(),
            previous: current.to_owned(),
            fallback: fallback.trim().to_owned(),
            focus_pending: true,
            error: None,
        }
    }

    /// Returns (keep open, the name chosen).
    pub(super) fn ui(&mut self, ui: &mut egui::Ui) -> (bool, Option<String>) {
        ui.heading("Who is annotating?");
        ui.label(
            "Your name is recorded on every annotation you make, so that several coders' work can be compared. \
             It is remembered on this computer.",
        );
        let response = ui
            .add(egui::TextEdit::singleline(&mut self.input).hint_text("Your name").desired_width(f32::INFINITY))
            .accessible_name("Your name");
        if std::mem::take(&mut self.focus_pending) {
            response.request_focus();
        }
        let (enter, escape) = ui.input(|i| (i.key_pressed(egui::Key::Enter), i.key_pressed(egui::Key::Escape)));
        let valid = !self.input.trim().is_empty();
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let first_run = self.previous.trim().is_empty();
        let escape_hint = match (first_run, self.fallback.is_empty()) {
            (false, _) => "Esc keeps your current name.".to_owned(),
            (true, false) => format!("Esc uses \"{}\".", self.fallback),
            (true, true) => String::new(),
        };
        ui.label(
            RichText::new(format!("You can change it at any time from the status bar. {escape_hint}").trim_end())
                .weak(),
        );
        let mut chosen = None;
        let mut keep = true;
        ui.horizontal(|ui| {
            let continue_clicked = ui.add_enabled(valid, egui::Button::new("Continue")).clicked();
            if (continue_clicked || (enter && response.lost_focus())) && valid {
                chosen = Some(self.input.trim().to_owned());
                keep = false;
            } else if enter && response.lost_focus() {
                self.error = Some("Type your name, then press Enter".into());
                response.request_focus();
            }
            if !first_run && ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        if escape && keep {
            if !first_run {
                keep = false;
            } else if !self.fallback.is_empty() {
                chosen = Some(self.fallback.clone());
                keep = false;
            } else {
                self.error = Some("Type a name to continue (any name or a pseudonym will do)".into());
                response.request_focus();
            }
        }
        (keep, chosen)
    }
}
