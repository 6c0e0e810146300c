//! Right-to-left and mixed documents in the window (egui_kittest): Persian reads from the right,
//! a click, double-click or drag picks the characters under the pointer, and what is tagged is
//! the word the user pointed at.
#![cfg(feature = "gui")]

mod common;

use common::ui::{double_click, drag, harness, offset_of, type_key};

use egui::{Key, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::model::bidi::TextDirection;
use spanwise::ui::{AppConfig, Command, SpanwiseApp};

/// A Persian news paragraph with ZWNJ, Persian and Western digits, a Latin name in brackets, an
/// URL; an English line with one Persian word; and a line of the other offset test cases.
const ARTICLE: &str = "مطالعه‌ای تازه درباره شبکه‌های اجتماعی\r\n\
\r\n\
به گزارش IranWire، پژوهشگران می‌گویند که در سال ۱۴۰۲ بیش از 45 درصد کاربران از VPN استفاده کرده‌اند. \
علی رضایی (Ali Rezaei) گفت: «این نگاه امنیتی است.»\r\n\
\r\n\
The study quotes the word امنیت 120 times: ü 😀 👨\u{200D}👩\u{200D}👧 中文.\r\n";

fn open(dir: &std::path::Path) -> Harness<'static, SpanwiseApp> {
    let path = dir.join("article-fa.txt");
    std::fs::write(&path, ARTICLE).unwrap();
    let app =
        SpanwiseApp::new(AppConfig { settings: common::ui::test_settings(), settings_path: None }).with_file(&path);
    harness(app)
}

fn rect(harness: &Harness<'_, SpanwiseApp>, offset: usize) -> egui::Rect {
    harness.state().view.as_ref().unwrap().char_rect(offset).unwrap_or_else(|| panic!("char {offset} not on screen"))
}

fn selected_text(harness: &Harness<'_, SpanwiseApp>) -> String {
    let range = harness.state().view.as_ref().unwrap().selected_range().expect("a selection");
    harness.state().document().unwrap().slice(range).unwrap().to_owned()
}

/// Lets more than the double-click time pass, so the next click is a first click again.
fn pause(harness: &mut Harness<'_, SpanwiseApp>) {
    for _ in 0..40 {
        harness.step();
    }
}

#[test]
fn persian_reads_from_the_right_and_mixed_runs_sit_where_a_browser_puts_them() {
    let dir = tempfile::tempdir().unwrap();
    let harness = open(dir.path());
    // The title: its first letter is drawn right of its last.
    let title = "مطالعه‌ای";
    let first = rect(&harness, 0);
    let last = rect(&harness, title.chars().count() - 1);
    assert!(first.left() > last.right() - 0.5, "{first:?} {last:?}");
    // Words run from right to left.
    let next_word = rect(&harness, offset_of(&harness, "تازه"));
    assert!(next_word.right() <= last.left() + 0.5, "{next_word:?} {last:?}");
    // Latin inside Persian reads left to right, and sits left of the Persian before it.
    let iranwire = offset_of(&harness, "IranWire");
    let (i, e) = (rect(&harness, iranwire), rect(&harness, iranwire + 7));
    assert!(i.left() < e.left());
    let gozaresh = rect(&harness, offset_of(&harness, "گزارش"));
    assert!(e.right() <= gozaresh.left() + 0.5, "IranWire is left of the word before it");
    // Persian digits read left to right: ۱ left of ۲.
    let year = offset_of(&harness, "۱۴۰۲");
    assert!(rect(&harness, year).left() < rect(&harness, year + 3).left());
    // The English paragraph is not touched: left to right, starting at the left margin.
    let the = offset_of(&harness, "The study");
    let word = offset_of(&harness, "امنیت ");
    assert!(rect(&harness, the).left() < rect(&harness, word).left());
    assert!(
        rect(&harness, word).left() > rect(&harness, word + 4).left(),
        "the Persian word in it reads from the right"
    );
}

#[test]
fn double_click_selects_the_persian_word_under_the_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path());
    // A word with a ZWNJ: clicked on its second part, the whole word.
    let word = "می‌گویند";
    let start = offset_of(&harness, word);
    let second_part = rect(&harness, start + 4).center();
    double_click(&mut harness, second_part);
    assert_eq!(selected_text(&harness), word);
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(start..start + word.chars().count()));

    // A word after the Latin name, on the same line.
    let word = "گفت";
    pause(&mut harness);
    let at = rect(&harness, offset_of(&harness, word) + 1).center();
    double_click(&mut harness, at);
    assert_eq!(selected_text(&harness), word);
    // The Latin name inside the Persian line.
    pause(&mut harness);
    let at = rect(&harness, offset_of(&harness, "Rezaei") + 2).center();
    double_click(&mut harness, at);
    assert_eq!(selected_text(&harness), "Rezaei");
}

#[test]
fn dragging_over_a_persian_word_from_its_right_edge_tags_that_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path());
    let word = "پژوهشگران";
    let start = offset_of(&harness, word);
    let end = start + word.chars().count();
    // From the right edge of its first letter to the left edge of its last one, as a reader of
    // Persian drags.
    let from = rect(&harness, start);
    let to = rect(&harness, end - 1);
    drag(&mut harness, Pos2::new(from.right() - 1.0, from.center().y), Pos2::new(to.left() + 1.0, to.center().y));
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(start..end));
    type_key(&mut harness, Key::Num3, "3");
    let document = harness.state().document().unwrap();
    let tagged: Vec<_> = document.annotations.iter().filter(|a| a.label == "actor").collect();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].text(), word);
    assert_eq!(tagged[0].fragments[0].start, start);
    // Its highlight is one rectangle from the first letter's right edge to the last one's left.
    let rects = harness.state().view.as_ref().unwrap().range_screen_rects(start..end);
    assert_eq!(rects.len(), 1, "{rects:?}");
    assert!((rects[0].right() - from.right()).abs() < 0.5 && (rects[0].left() - to.left()).abs() < 0.5);
    // Its boundary handles: the start at the right edge, the end (and the relation handle) at the left.
    let handles = harness.state().view.as_ref().unwrap().handles(tagged[0]).expect("handles on screen");
    assert!((handles.start.center().x - from.right()).abs() < 0.5, "{handles:?}");
    assert!((handles.end.center().x - to.left()).abs() < 0.5, "{handles:?}");
    assert!(handles.relate.center().x < to.left());

    // A selection from the Persian word into the Latin name (logical order) is painted in
    // pieces: the part of the line right of the name, and the start of the name.
    let a = offset_of(&harness, "رضایی");
    let b = offset_of(&harness, "Rezaei");
    harness.state_mut().view.as_mut().unwrap().selection = Some(spanwise::model::Selection::new(a, b));
    harness.run();
    let rects = harness.state().view.as_ref().unwrap().range_screen_rects(a..b);
    assert_eq!(rects.len(), 2, "{rects:?}");
}

#[test]
fn forcing_the_direction_lays_the_document_out_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path());
    let the = offset_of(&harness, "The study");
    let left_before = rect(&harness, the).left();
    harness.state_mut().command(Command::SetDirection(TextDirection::Rtl));
    harness.run();
    assert_eq!(harness.state().document().unwrap().direction, TextDirection::Rtl);
    // The English line now runs right to left: right-aligned, its English words still left to
    // right but the final full stop at the left end.
    let the_rect = rect(&harness, the);
    let study = rect(&harness, offset_of(&harness, "study"));
    let stop = rect(&harness, offset_of(&harness, "中文.") + 2);
    assert!(the_rect.left() > left_before + 100.0, "{the_rect:?}");
    assert!(the_rect.left() < study.left());
    assert!(stop.right() < the_rect.left(), "{stop:?} {the_rect:?}");
    // Undo brings automatic back.
    harness.state_mut().command(Command::Undo);
    harness.run();
    assert_eq!(harness.state().document().unwrap().direction, TextDirection::Auto);
    assert!((rect(&harness, the).left() - left_before).abs() < 0.5);
}

#[test]
fn a_long_persian_line_cut_into_blocks_runs_right_to_left_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long-fa.txt");
    // About 12,000 characters on one line: the view cuts it into blocks of at most 3,000.
    let sentence = "پژوهشگران می‌گویند شبکه‌های اجتماعی در ۱۵ حوزه دیده می‌شوند (IranWire). ";
    let last = "پایان";
    std::fs::write(&path, format!("{}{last}\r\n", sentence.repeat(170))).unwrap();
    let app =
        SpanwiseApp::new(AppConfig { settings: common::ui::test_settings(), settings_path: None }).with_file(&path);
    let mut harness = harness(app);
    assert!(harness.state().view.as_ref().unwrap().block_count() >= 4);
    harness.state_mut().command(Command::GoToEnd);
    for _ in 0..10 {
        harness.step();
    }
    harness.run();
    let text = harness.state().document().unwrap().text.clone();
    let start = text[..text.rfind(last).unwrap()].chars().count();
    // The last word, in the last block, is laid out right to left (the paragraph's direction
    // comes from its first letter, blocks before): its first letter right of its last.
    let first_letter = rect(&harness, start);
    let last_letter = rect(&harness, start + 4);
    assert!(first_letter.left() > last_letter.left(), "{first_letter:?} {last_letter:?}");
    let at = rect(&harness, start + 2).center();
    double_click(&mut harness, at);
    assert_eq!(selected_text(&harness), last);
    type_key(&mut harness, Key::Num1, "1");
    let document = harness.state().document().unwrap();
    assert_eq!(document.annotations.iter().map(|a| a.text()).collect::<Vec<_>>(), vec![last.to_owned()]);
}

#[test]
fn shift_arrows_move_visually_in_persian() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path());
    let word = "پژوهشگران";
    let start = offset_of(&harness, word);
    let end = start + word.chars().count();
    let at = rect(&harness, start + 3).center();
    double_click(&mut harness, at);
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(start..end));
    // Shift+Left goes on to the left on screen: further into the Persian text.
    harness.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowLeft);
    harness.run();
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(start..end + 1));
    harness.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowRight);
    harness.run();
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(start..end));
    // In the English line Shift+Right goes on, as before.
    pause(&mut harness);
    let the = offset_of(&harness, "study");
    let at = rect(&harness, the + 1).center();
    double_click(&mut harness, at);
    harness.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowRight);
    harness.run();
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(the..the + 6));
}

#[test]
fn find_matches_arabic_and_persian_letters_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path());
    harness.state_mut().command(Command::Find);
    harness.run();
    // Typed with an Arabic keyboard: Arabic yeh (ي) where the text has the Persian one (ی).
    harness.get_by_label("Find in document").type_text("امنيت");
    harness.run();
    assert_eq!(harness.state().view.as_ref().unwrap().find.match_count(), 2, "امنیتی and امنیت");
    // The current match is painted on the Persian word: its highlight covers exactly its letters.
    let start = offset_of(&harness, "امنیتی");
    let rects = harness.state().view.as_ref().unwrap().range_screen_rects(start..start + 5);
    assert_eq!(rects.len(), 1);
    // Exact letters: no match.
    harness.get_by_label("Exact Arabic letters").click();
    harness.run();
    assert_eq!(harness.state().view.as_ref().unwrap().find.match_count(), 0);
}

/// Every galley painted in the last frame (text shapes, also inside nested shapes).
fn painted_galleys(harness: &Harness<'_, SpanwiseApp>) -> Vec<std::sync::Arc<egui::Galley>> {
    fn walk(shape: &egui::Shape, out: &mut Vec<std::sync::Arc<egui::Galley>>) {
        match shape {
            egui::Shape::Text(text) => out.push(text.galley.clone()),
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    harness.output().shapes.iter().for_each(|clipped| walk(&clipped.shape, &mut out));
    out
}

/// The Arabic-script letters of a galley in the order their glyphs are drawn, left to right
/// (glyphs with an advance: egui adds zero-width ones for the characters of a shaped cluster).
fn drawn_letters(galley: &egui::Galley) -> String {
    let mut glyphs: Vec<(f32, f32, char)> = galley
        .rows
        .iter()
        .flat_map(|row| {
            row.glyphs.iter().filter(|g| g.advance_width > 0.0).map(move |g| (row.pos.y, row.pos.x + g.pos.x, g.chr))
        })
        .collect();
    glyphs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    glyphs.into_iter().map(|g| g.2).filter(|c| ('\u{0620}'..='\u{06FF}').contains(c)).collect()
}

fn letters_reversed(text: &str) -> String {
    text.chars().rev().filter(|c| ('\u{0620}'..='\u{06FF}').contains(c)).collect()
}

/// A mouse click at `at`.
fn click(harness: &mut Harness<'_, SpanwiseApp>, at: Pos2) {
    harness.hover_at(at);
    harness.step();
    harness.drag_at(at);
    harness.drop_at(at);
    harness.run();
}

/// Tags `text` (its first occurrence) with the label of `key` and returns the annotation's id.
fn tag(harness: &mut Harness<'_, SpanwiseApp>, text: &str, key: Key, key_text: &str) -> spanwise::model::ItemId {
    let start = offset_of(harness, text);
    let end = start + text.chars().count();
    harness.state_mut().view.as_mut().unwrap().selection = Some(spanwise::model::Selection::new(start, end));
    harness.run();
    type_key(harness, key, key_text);
    let document = harness.state().document().unwrap();
    document.annotations.iter().find(|a| a.text() == text).expect("tagged").id
}

#[test]
fn the_list_and_the_inspector_show_persian_in_visual_order_and_tell_screen_readers_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path());
    let phrase = "پژوهشگران می‌گویند";
    let id = tag(&mut harness, phrase, Key::Num1, "1");
    harness.state_mut().command(Command::SelectAnnotation(id));
    harness.run();
    // Screen readers (and tests) get the text as written: the list row by its logical label.
    let row_label = format!("Claim: {phrase}");
    let row_rect = harness.get_by_label(&row_label).rect();
    // Painted: the list row and the inspector draw the second word left of the first, each word's
    // letters from the right (joined by the shaper), so the galley's letters, read left to right,
    // are the phrase's letters reversed.
    let expected = letters_reversed(phrase);
    let galleys = painted_galleys(&harness);
    let visual: Vec<_> = galleys.iter().filter(|g| drawn_letters(g) == expected).collect();

    assert!(visual.len() >= 2, "the list row and the inspector: {} galleys", visual.len());
    // The row's text: "Claim: " first (the UI stays left to right), then the second word.
    let row_galley = visual.iter().find(|g| g.text().starts_with("Claim: ")).expect("the list row in visual order");
    assert!(row_galley.text().starts_with("Claim: می‌گویند"), "{}", row_galley.text());
    // The inspector's text is the phrase alone, right-aligned: its galley right-aligned.
    let inspector = visual.iter().find(|g| !g.text().starts_with("Claim")).expect("the inspector's text");
    assert_eq!(inspector.job.halign, egui::Align::RIGHT);
    assert_eq!(inspector.text(), "می‌گویند پژوهشگران");
    // In logical order nothing is painted: no galley has the phrase as written.
    assert!(galleys.iter().all(|g| !g.text().contains(phrase)), "a galley in logical order");
    // The inspector's text is found by its logical text too.
    assert!(harness.query_all_by_label(phrase).count() >= 1);
    // Clicking the row still selects the annotation (and the accessible label did not move it).
    harness.state_mut().selected_annotation = None;
    harness.run();
    click(&mut harness, row_rect.center());
    harness.run();
    assert_eq!(harness.state().selected_annotation, Some(id));
}

#[test]
fn a_memo_mark_shows_the_memo_on_hover_and_opens_it_on_click() {
    use spanwise::model::MemoTarget;
    use spanwise::ui::coding::CodingCommand;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path());
    let word = "پژوهشگران";
    let id = tag(&mut harness, word, Key::Num3, "3");
    let other = tag(&mut harness, "IranWire", Key::Num3, "3");
    // No memo, no mark.
    assert!(harness.query_by_label_contains("Memo: ").is_none());
    let memo = "منبع: گزارش IranWire\nsecond line";
    harness.state_mut().command(Command::Coding(CodingCommand::SetMemo {
        id: None,
        target: MemoTarget::Annotation(id),
        text: memo.into(),
    }));
    harness.state_mut().command(Command::SelectAnnotation(other));
    harness.run();
    // The mark: at the word's end, which in Persian is its left edge; one mark only.
    let marks: Vec<_> = harness.query_all_by_label_contains("Memo: ").collect();
    assert_eq!(marks.len(), 1);
    let mark = marks[0].rect().center();
    let annotation = harness.state().document().unwrap().annotation(id).unwrap().clone();
    let expected = harness.state().view.as_ref().unwrap().memo_mark_rect(&annotation).unwrap();
    assert!((mark - expected.center()).length() < 1.0, "{mark:?} {expected:?}");
    // Over the top left corner of the last letter (Persian ends on the left), just inside the
    // end, rising above the letter's rectangle into the gap between rows only a little.
    let last_letter = rect(&harness, offset_of(&harness, word) + word.chars().count() - 1);
    assert!(expected.left() > last_letter.left() && expected.left() - last_letter.left() < 3.0, "{expected:?}");
    assert!(expected.top() < last_letter.top() && last_letter.top() - expected.top() <= 4.0, "{expected:?}");
    assert!(expected.width() >= 10.0, "big enough to notice: {expected:?}");
    // The list row of the annotation is marked too.
    assert!(harness.query_by_label(&format!("✎ Actor: {word}")).is_some());
    // Hovering shows the memo's first line (not the second).
    harness.hover_at(mark);
    for _ in 0..60 {
        harness.step();
    }
    if harness.query_by_label("منبع: گزارش IranWire").is_none() {
        let labels: Vec<String> =
            harness.query_all_by_label_contains("").map(|n| format!("{n:?}").chars().take(120).collect()).collect();
        panic!("no tooltip with the first line; labels: {labels:?}");
    }
    assert!(harness.query_by_label("second line").is_none());
    // Clicking opens the memo: the annotation selected, the coding panel open, its memo in the
    // editor and focused.
    assert!(!harness.state().coding.panel_open);
    click(&mut harness, mark);
    harness.run();
    assert_eq!(harness.state().selected_annotation, Some(id));
    assert!(harness.state().coding.panel_open);
    let editor = harness.get_by_label("Memo on the selected annotation");
    assert!(editor.is_focused());
    assert_eq!(editor.value().as_deref(), Some(memo));
    // The click did not start a selection in the text.
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), None);
    // Selected, the annotation's end and relation handles are drawn beside the mark, not under it.
    let handles = harness.state().view.as_ref().unwrap().handles(&annotation).unwrap();
    assert!(!expected.intersects(handles.relate), "{expected:?} {handles:?}");
    assert!(!expected.intersects(handles.end.shrink2(egui::vec2(2.5, 0.0))), "{expected:?} {handles:?}");
    // The memos panel lists the memo in one row: shortened (if at all) at its end as written,
    // so its first word is still there.
    let galleys = painted_galleys(&harness);
    let result = (galleys.iter())
        .find(|g| g.text().contains("IranWire") && g.text().contains(word))
        .expect("the memo's row: the annotation's text, then the memo's");
    assert!(result.text().contains("منبع"), "{}", result.text());
    assert_eq!(result.rows.len(), 1);
}

#[test]
fn double_click_on_chinese_selects_the_dictionary_word() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zh.txt");
    // Chinese between the other offset cases, CRLF line ends.
    std::fs::write(&path, "ü 😀 👨\u{200D}👩\u{200D}👧 می‌خواهم\r\n我们在北京大学学习。\r\n").unwrap();
    let app =
        SpanwiseApp::new(AppConfig { settings: common::ui::test_settings(), settings_path: None }).with_file(&path);
    let mut harness = harness(app);
    // On 京, the second character of 北京: the word, not the character.
    let start = offset_of(&harness, "北京");
    let at = rect(&harness, start + 1).center();
    double_click(&mut harness, at);
    assert_eq!(selected_text(&harness), "北京");
    assert_eq!(harness.state().view.as_ref().unwrap().selected_range(), Some(start..start + 2));
    pause(&mut harness);
    let at = rect(&harness, offset_of(&harness, "学习")).center();
    double_click(&mut harness, at);
    assert_eq!(selected_text(&harness), "学习");
    type_key(&mut harness, Key::Num1, "1");
    let document = harness.state().document().unwrap();
    assert_eq!(document.annotations.iter().map(|a| a.text()).collect::<Vec<_>>(), ["学习"]);
}
