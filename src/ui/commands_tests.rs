//! Tests of the command list: shortcuts never clash in one context, every command has a menu
//! text, the catalog lists what the menus and the palette offer.
use super::*;
use crate::model::Codebook;

#[test]
fn no_two_commands_share_a_shortcut_in_the_same_context() {
    let table = Command::shortcut_table();
    for (i, (shortcut, command, context)) in table.iter().enumerate() {
        for (other_shortcut, other, other_context) in &table[i + 1..] {
            assert!(
                !(shortcut == other_shortcut && context.overlaps(*other_context)),
                "{command:?} and {other:?} both use {shortcut:?}"
            );
        }
    }
}

#[test]
fn label_keys_of_the_default_codebook_clash_with_no_command() {
    // Label keys are typed characters in the document context; a command on the same key
    // without modifiers would fire too.
    let codebook = Codebook::default_news();
    for label in &codebook.labels {
        let Some(hotkey) = label.hotkey else { continue };
        for (shortcut, command, context) in Command::shortcut_table() {
            let same_key = shortcut.modifiers.is_none()
                && Key::from_name(&hotkey.to_string()).is_some_and(|key| key == shortcut.logical_key);
            assert!(
                !(same_key && context.overlaps(Context::Document)),
                "label {} ({hotkey}) and {command:?} share a key",
                label.name
            );
        }
    }
}

#[test]
fn every_catalog_command_has_text_and_a_tooltip() {
    for command in Command::catalog() {
        let info = command.info().unwrap_or_else(|| panic!("{command:?} has no info"));
        assert!(!info.text.is_empty() && !info.tooltip.is_empty(), "{command:?}");
        assert!(!info.text.ends_with('.'), "menu text has no trailing period: {}", info.text);
    }
}

#[test]
fn a_shift_shortcut_is_tried_before_the_same_key_without_shift() {
    let table = Command::shortcut_table();
    let position = |wanted: KeyboardShortcut| table.iter().position(|(s, _, _)| *s == wanted).unwrap();
    assert!(position(cmd_shift(Key::S)) < position(cmd(Key::S)));
    assert!(position(cmd_shift(Key::Z)) < position(cmd(Key::Z)));
    assert!(position(cmd_shift(Key::O)) < position(cmd(Key::O)));
}
