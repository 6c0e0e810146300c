//! Every script shows its letters: a document in Persian (with ZWNJ), Arabic, Hebrew and Chinese,
//! opened in the window headless. egui_kittest fails a test on any character drawn as a box, and
//! the test checks which font drew each letter.
#![cfg(feature = "gui")]

mod common;

use std::sync::Arc;

use common::ui::{harness, test_settings};
use egui::epaint::{ClippedShape, Galley, Shape};
use egui::{FallbackRequest, FontFamily, FontId, FontProvider};
use spanwise::ui::{AppConfig, SpanwiseApp};

/// "Social networks have an impact on national security", in Persian; شبکه‌های and می‌شود are
/// written with a zero-width non-joiner.
const PERSIAN: &str = "شبکه‌های اجتماعی بر امنیت ملی تأثیر می‌گذارند و پژوهشگران می‌گویند";
const ARABIC: &str = "قالت وسائل الإعلام إن المسؤولين يرون شبكات التواصل الاجتماعي تهديدًا";
const HEBREW: &str = "הרשתות החברתיות משפיעות על הביטחון הלאומי";
const LATIN: &str = "Müller said: Grüße 🎉 from the 👨‍👩‍👧 family";
/// A line of a novel (Lu Xun, 故乡).
const CHINESE: &str = "我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。";

/// The name of the system font that would draw Chinese, if there is one.
fn system_cjk_font() -> Option<String> {
    let provider = egui_system_font_provider::SystemFontProvider::new();
    provider.font_for(&FallbackRequest { cluster: "故", family: &FontFamily::Proportional }).map(|insert| insert.name)
}

/// A letter with a glyph of its own (the shaper files combining marks, e.g. Arabic vowel signs,
/// under the letter they sit on).
fn is_base_letter(c: char) -> bool {
    c.is_alphabetic() && !matches!(c, '\u{0591}'..='\u{05C7}' | '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Every galley painted in the last frame.
fn painted_galleys(shapes: &[ClippedShape]) -> Vec<Arc<Galley>> {
    fn collect(shape: &Shape, out: &mut Vec<Arc<Galley>>) {
        match shape {
            Shape::Text(text) => out.push(text.galley.clone()),
            Shape::Vec(shapes) => shapes.iter().for_each(|shape| collect(shape, out)),
            _ => {}
        }
    }
    let mut galleys = Vec::new();
    for clipped in shapes {
        collect(&clipped.shape, &mut galleys);
    }
    galleys
}

#[test]
fn persian_arabic_hebrew_and_chinese_show_real_letters() {
    let cjk_font = system_cjk_font();
    if cjk_font.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "no system font has Chinese characters: CI must install one (fonts-wqy-microhei, see .ci/run)"
        );
        eprintln!("skipping the Chinese line: no system font has Chinese characters (install fonts-wqy-microhei)");
    }
    let mut lines = vec![PERSIAN, ARABIC, HEBREW, LATIN];
    if cjk_font.is_some() {
        lines.push(CHINESE);
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scripts.txt");
    std::fs::write(&path, lines.join("\n\n")).unwrap();
    let app = SpanwiseApp::new(AppConfig { settings: test_settings(), settings_path: None }).with_file(&path);
    // The harness fails on any character that no font can draw (egui_kittest's missing glyph
    // policy), so getting here means every character found a font.
    let harness = harness(app);
    assert_eq!(harness.state().document().unwrap().text, lines.join("\n\n"));

    // The document view painted each line, and every letter of it as a real glyph (ZWNJ and
    // ZWJ draw nothing by design).
    // A right-to-left line is painted word by word (docs/SCRIPTS.md), a left-to-right one whole.
    let galleys = painted_galleys(&harness.output().shapes);
    for line in &lines {
        let pieces: Vec<_> =
            galleys.iter().filter(|galley| !galley.text().is_empty() && line.contains(galley.text())).collect();
        assert!(pieces.iter().any(|g| g.text().chars().any(is_base_letter)), "{line:?} was not painted");
        for c in line.chars().filter(|c| is_base_letter(*c)) {
            assert!(
                pieces
                    .iter()
                    .flat_map(|galley| galley.rows.iter().flat_map(|row| row.row.glyphs.iter()))
                    .any(|g| g.chr == c && !g.uv_rect.is_nothing()),
                "{c:?} of {line:?} was not drawn"
            );
        }
    }

    // Each script is drawn by the font meant for it.
    let font_id = FontId::proportional(14.0);
    harness.ctx.fonts_mut(|fonts| {
        for c in lines.concat().chars().filter(|c| !c.is_whitespace() && !c.is_control()) {
            assert!(fonts.has_glyph(&font_id, c), "no font has {c:?}");
        }
        let characters = fonts.characters(&FontFamily::Proportional).clone();
        let first_font = |c: char| characters.get(&c).and_then(|fonts| fonts.first()).cloned().unwrap_or_default();
        for c in "شبکهایجتمعیگپژ".chars().chain(ARABIC.chars().filter(|c| is_base_letter(*c))) {
            assert_eq!(first_font(c), "Vazirmatn-NL-Regular", "{c:?}");
        }
        for c in HEBREW.chars().filter(|c| c.is_alphabetic()) {
            assert_eq!(first_font(c), "NotoSansHebrew-Regular", "{c:?}");
        }
        if let Some(cjk_font) = &cjk_font {
            for c in CHINESE.chars().filter(|c| c.is_alphabetic()) {
                assert_eq!(&first_font(c), cjk_font, "{c:?}");
            }
        }
    });
}
