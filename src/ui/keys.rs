//! The keyboard: every shortcut of the command list ([`Command::shortcut_table`]), in its context,
//! and the codebook's label keys. Label keys use typed text (`Event::Text`), so they follow the
//! user's keyboard layout, and are ignored while a text field has the keyboard.

use super::app::SpanwiseApp;
use super::commands::{Command, Context};

impl SpanwiseApp {
    /// Turns this frame's key presses into commands.
    pub(crate) fn handle_keys(&mut self, ctx: &egui::Context) {
        if self.decision_pending() {
            // Nothing changes the project until the user has decided about their work.
            return;
        }
        let document_has_keyboard = self.dialog.is_none() && !ctx.text_edit_focused() && !self.text_field_had_keyboard;
        let relating = self.view.as_ref().is_some_and(|v| v.relating.is_some());
        let memo_has_keyboard = self.memo_has_keyboard(ctx);
        // Enter finishes a relation only while one is being made; otherwise it stays with the
        // widget that has the keyboard (an attribute's checkbox).
        for (shortcut, command, context) in Command::shortcut_table() {
            let allowed = match context {
                Context::Always => true,
                Context::Document => document_has_keyboard,
            } && match command {
                Command::ConfirmRelation => relating,
                // Typing a memo: Ctrl+Z undoes typing, in the field (see `memo_has_keyboard`).
                Command::Undo | Command::Redo => !memo_has_keyboard,
                _ => true,
            };
            if allowed && ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.command(command);
            }
        }
        if !document_has_keyboard {
            return;
        }
        self.selection_and_target_keys(ctx);
        let typed: Vec<String> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    // Alt+digit is a command (accept a disagreement), not a label key.
                    egui::Event::Text(text) if !i.modifiers.ctrl && !i.modifiers.command && !i.modifiers.alt => {
                        Some(text.clone())
                    }
                    _ => None,
                })
                .collect()
        });
        for ch in typed.iter().flat_map(|text| text.chars()) {
            if let Some(label) = self.project().codebook.label_for_hotkey(ch) {
                let label = label.id.clone();
                self.command(Command::Tag(label));
            }
        }
    }
}

impl SpanwiseApp {
    /// Keys of the document that are not commands of their own: Shift+arrows extend the
    /// selection by a character, Ctrl+Shift+arrows by a word; while a relation is being made the
    /// arrows pick its target. Tab belongs to the annotations here, not to egui's focus.
    fn selection_and_target_keys(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let tab = ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Key { key: Key::Tab, .. })));
        if tab || self.view.as_ref().is_some_and(|v| v.relating.is_some()) {
            ctx.memory_mut(|m| m.move_focus(egui::FocusDirection::None));
        }
        let word = Modifiers::COMMAND.plus(Modifiers::SHIFT);
        // The arrows move visually: in right-to-left text Left goes on in the text (issue 13).
        let rtl = self.view.as_ref().is_some_and(super::doc_view::DocView::selection_head_is_rtl);
        for (modifiers, by_word) in [(word, true), (Modifiers::SHIFT, false)] {
            for (key, right) in [(Key::ArrowRight, true), (Key::ArrowLeft, false)] {
                while ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(modifiers, key))) {
                    self.command(Command::ExtendSelection { forward: right != rtl, by_word });
                }
            }
        }
        if self.view.as_ref().is_some_and(|v| v.relating.is_some()) {
            for (key, forward) in
                [(Key::ArrowRight, true), (Key::ArrowDown, true), (Key::ArrowLeft, false), (Key::ArrowUp, false)]
            {
                while ctx.input_mut(|i| i.consume_key(Modifiers::NONE, key)) {
                    self.command(if forward { Command::NextAnnotation } else { Command::PreviousAnnotation });
                }
            }
        }
    }
}
