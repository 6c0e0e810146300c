//! Fonts for every script a document may be written in.
//!
//! egui's own fonts cover Latin, Greek and Cyrillic. On top of them Spanwise
//! - bundles a Persian/Arabic face (Vazirmatn NL) and a Hebrew face (Noto Sans Hebrew), placed in
//!   every family's fallback chain right after egui's fonts, so they look the same everywhere and
//!   always win over whatever a system font would offer for those scripts;
//! - asks the system's fonts (fontconfig, DirectWrite, CoreText, via `egui_system_font_provider`)
//!   for any other character, e.g. Chinese, Japanese, Korean, Devanagari, Thai. The system fonts
//!   are enumerated only when the first such character is met, so a document in a bundled
//!   script never pays for it;
//! - falls back to egui's monochrome emoji font for emoji that no system font has.
//!
//! [`install`] sets all of this up on a context: the app calls it once at start, UI tests on
//! their harness's context. See `assets/fonts/README.md` for where the bundled files come from.

use std::sync::{Arc, OnceLock};

use egui::{FallbackRequest, FontData, FontFamily, FontInsert, FontPriority, FontProvider, InsertFontFamily};

/// Vazirmatn NL Regular 33.003: Persian and Arabic (also Urdu, Pashto, Kurdish, Uyghur letters),
/// without Latin glyphs (egui's font has those). SIL OFL 1.1.
pub const VAZIRMATN_NL: &[u8] = include_bytes!("../../assets/fonts/Vazirmatn-NL-Regular.ttf");

/// Noto Sans Hebrew Regular 3.000 (Hebrew letters, points and cantillation marks). SIL OFL 1.1.
pub const NOTO_SANS_HEBREW: &[u8] = include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf");

/// The bundled faces, by the name egui knows them by, in fallback order.
pub const BUNDLED: [(&str, &[u8]); 2] =
    [("Vazirmatn-NL-Regular", VAZIRMATN_NL), ("NotoSansHebrew-Regular", NOTO_SANS_HEBREW)];

/// Name of the last-resort emoji face (egui's monochrome Noto Emoji).
pub const EMOJI_FALLBACK: &str = "NotoEmoji-Regular";

/// Sets up the fonts on `ctx`: the bundled faces, the system fonts on demand, the emoji
/// fallback. Call once per context, before the first frame (or during it).
pub fn install(ctx: &egui::Context) {
    ctx.add_font_provider(Arc::new(BundledFonts));
    ctx.add_font_provider(Arc::new(SystemFonts::default()));
    ctx.add_font_provider(Arc::new(EmojiFallback));
}

/// The bundled faces, installed up front in every family (after the fonts egui configures).
///
/// Up front rather than on demand: installing them costs nothing measurable in a first frame (the
/// data is static and parsed in place; see BENCHMARKS.md), and a fixed place in the chain means that an
/// Arabic letter is drawn with Vazirmatn even after a system font that also has Arabic letters
/// (e.g. DejaVu Sans, found for some symbol) has joined the chain.
struct BundledFonts;

impl FontProvider for BundledFonts {
    fn fonts_for_family(&self, _family: &FontFamily) -> Vec<FontInsert> {
        BUNDLED.iter().map(|&(name, data)| FontInsert::new(name, FontData::from_static(data), Vec::new())).collect()
    }
}

/// The system's fonts, enumerated the first time a character no installed font has is met.
///
/// `SystemFontProvider::new` starts enumerating at once (on a thread), which costs CPU and
/// memory at start-up even when every character is covered. Creating it on the first request
/// instead means that request waits for the enumeration (BENCHMARKS.md has the numbers); egui
/// asks at most once per character and family, and caches the answer.
#[derive(Default)]
struct SystemFonts {
    provider: OnceLock<egui_system_font_provider::SystemFontProvider>,
}

impl FontProvider for SystemFonts {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let provider = self.provider.get_or_init(|| {
            log::debug!("Looking through the system fonts for {:?}", request.cluster);
            egui_system_font_provider::SystemFontProvider::new()
        });
        let found = provider.font_for(request);
        match &found {
            Some(insert) => log::debug!("{:?} is drawn with {}", request.cluster, insert.name),
            None => log::debug!("No system font has {:?}", request.cluster),
        }
        found
    }
}

/// egui's monochrome Noto Emoji, for emoji that no system font has (e.g. on a system without an
/// emoji font). Handed out only for characters it has, so egui never installs it in vain.
struct EmojiFallback;

impl FontProvider for EmojiFallback {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let c = request.cluster.chars().next()?;
        if !has_char(epaint_default_fonts::NOTO_EMOJI_REGULAR, c) {
            return None;
        }
        let family = InsertFontFamily { family: request.family.clone(), priority: FontPriority::Lowest };
        Some(FontInsert::new(
            EMOJI_FALLBACK,
            // egui draws its emoji at this scale too: the font's glyphs are large for its metrics.
            FontData::from_static(epaint_default_fonts::NOTO_EMOJI_REGULAR)
                .tweak(egui::FontTweak { scale: 0.81, ..Default::default() }),
            vec![family],
        ))
    }
}

/// Does the font file `data` map `c` to a glyph?
pub fn has_char(data: &[u8], c: char) -> bool {
    use skrifa::MetadataProvider as _;
    skrifa::FontRef::new(data).is_ok_and(|font| font.charmap().map(c).is_some_and(|glyph| glyph.to_u32() != 0))
}

#[cfg(test)]
mod tests {
    use egui::epaint::text::{FontDefinitions, Fonts, TextOptions};
    use egui::{Color32, FontId};

    use super::*;

    /// The letters Persian adds to Arabic (گ چ پ ژ) or writes with other code points (ی ک).
    const PERSIAN_LETTERS: &str = "گچپژیک";
    const ARABIC_LETTERS: &str = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي";
    const HEBREW_LETTERS: &str = "אבגדהוזחטיכלמנסעפצקרשתךםןףץ";

    /// Fonts with egui's defaults and the bundled faces, but no system fonts: what every machine
    /// shows, whatever it has installed.
    fn bundled_only() -> Fonts {
        Fonts::new(TextOptions::default(), FontDefinitions::default()).with_font_providers(vec![Arc::new(BundledFonts)])
    }

    #[test]
    fn bundled_fonts_parse_and_cover_persian_arabic_and_hebrew() {
        for (name, data) in BUNDLED {
            assert!(skrifa::FontRef::new(data).is_ok(), "{name} does not parse");
        }
        for c in PERSIAN_LETTERS.chars().chain(ARABIC_LETTERS.chars()).chain("،؛؟۰۱۲۳۴۵۶۷۸۹".chars()) {
            assert!(has_char(VAZIRMATN_NL, c), "Vazirmatn lacks {c:?}");
        }
        for c in HEBREW_LETTERS.chars() {
            assert!(has_char(NOTO_SANS_HEBREW, c), "Noto Sans Hebrew lacks {c:?}");
        }
        // And egui resolves them to those faces, in both families, with no system fonts at all.
        let mut fonts = bundled_only();
        let mut view = fonts.with_pixels_per_point(1.0);
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            let characters = view.characters(&family);
            for c in PERSIAN_LETTERS.chars().chain(ARABIC_LETTERS.chars()) {
                assert_eq!(characters.get(&c), Some(&vec!["Vazirmatn-NL-Regular".to_owned()]), "{c:?} in {family:?}");
            }
            for c in HEBREW_LETTERS.chars() {
                assert_eq!(characters.get(&c), Some(&vec!["NotoSansHebrew-Regular".to_owned()]), "{c:?} in {family:?}");
            }
            // Latin stays with egui's font.
            assert!(!characters.get(&'a').is_some_and(|faces| faces.iter().any(|f| f.starts_with("Vazirmatn"))));
        }
    }

    /// A drawn glyph: its char and where its image is in the atlas (min and max corners).
    type DrawnGlyph = (char, ([u16; 2], [u16; 2]));

    /// The drawn glyphs of `word` laid out on one row. Without sub-pixel binning, the same glyph
    /// of the same face always gets the same image, so equal atlas rectangles mean equal shapes.
    fn drawn_glyphs(fonts: &mut Fonts, word: &str) -> Vec<DrawnGlyph> {
        let galley = fonts.with_pixels_per_point(1.0).layout_no_wrap(
            word.to_owned(),
            FontId::proportional(20.0),
            Color32::WHITE,
        );
        let glyphs = galley.rows.iter().flat_map(|row| row.row.glyphs.iter());
        glyphs.filter(|g| !g.uv_rect.is_nothing()).map(|g| (g.chr, (g.uv_rect.min, g.uv_rect.max))).collect()
    }

    #[test]
    fn letters_join_and_zwnj_breaks_the_join() {
        let options = TextOptions { subpixel_binning: false, ..TextOptions::default() };
        let mut fonts =
            Fonts::new(options, FontDefinitions::default()).with_font_providers(vec![Arc::new(BundledFonts)]);
        // "I want", as Persian writes it: a zero-width non-joiner between می and خواهم. Without
        // it the letters would join into one word shape.
        let with_zwnj = drawn_glyphs(&mut fonts, "می\u{200C}خواهم");
        let joined = drawn_glyphs(&mut fonts, "میخواهم");

        // Every letter is drawn (with Vazirmatn, not as a box), the ZWNJ is not drawn at all.
        let mut drawn: Vec<char> = with_zwnj.iter().map(|g| g.0).collect();
        drawn.sort_unstable();
        let mut letters: Vec<char> = "میخواهم".chars().collect();
        letters.sort_unstable();
        assert_eq!(drawn, letters);

        // The ZWNJ changes the letters beside it: ی becomes a final form instead of a medial one,
        // خ an initial form instead of a medial one (Vazirmatn may also pick another م to suit the
        // new ی). The far end of the word, و ا ه, keeps its shapes.
        let changed: Vec<char> =
            with_zwnj.iter().filter(|glyph| !joined.contains(glyph)).map(|glyph| glyph.0).collect();
        assert!(changed.contains(&'ی') && changed.contains(&'خ'), "changed: {changed:?}");
        assert!(!changed.iter().any(|c| "واه".contains(*c)), "changed: {changed:?}");

        // Arabic shaping is really applied: a letter on its own (isolated form) differs from the
        // same letter inside a word.
        let alone = drawn_glyphs(&mut fonts, "ی");
        assert!(!joined.contains(&alone[0]) && !with_zwnj.contains(&alone[0]));
    }

    #[test]
    fn system_fonts_are_looked_through_only_for_what_no_bundled_font_has() {
        let system = Arc::new(SystemFonts::default());
        let providers: Vec<Arc<dyn FontProvider>> = vec![Arc::new(BundledFonts), system.clone()];
        let mut fonts = Fonts::new(TextOptions::default(), FontDefinitions::default()).with_font_providers(providers);
        let font_id = FontId::proportional(14.0);
        let text = "Müller Ελλάδα Россия شبکه‌های اجتماعی قالت הרשתות";
        assert!(fonts.has_glyphs(&font_id, &text.replace(['\u{200C}', ' '], "")));
        let galley = fonts.with_pixels_per_point(1.0).layout_no_wrap(text.to_owned(), font_id.clone(), Color32::WHITE);
        assert!(galley.size().x > 0.0);
        assert!(system.provider.get().is_none(), "the system fonts were enumerated for bundled scripts");

        // A character none of them has: now the system fonts are asked (whether this machine has
        // a font for it or not).
        let _ = fonts.has_glyph(&font_id, '故');
        assert!(system.provider.get().is_some());
    }

    #[test]
    fn emoji_fallback_only_offers_what_it_has() {
        let request = |cluster: &str| {
            EmojiFallback.font_for(&FallbackRequest { cluster, family: &FontFamily::Proportional }).map(|f| f.name)
        };
        assert_eq!(request("😀").as_deref(), Some(EMOJI_FALLBACK));
        assert_eq!(request("❤").as_deref(), Some(EMOJI_FALLBACK));
        assert_eq!(request("中"), None);
        assert_eq!(request("क"), None);
    }
}
