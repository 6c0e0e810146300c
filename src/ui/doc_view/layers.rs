//! Coders' layers in the view. When several coders' annotations are shown, each coder's
//! underlines get their own pattern (solid, dashed, dotted, dash-dot) in the label's colour, and
//! the hover list names the coder. The app says which coders are shown and in which style
//! ([`DocView::coder_layers`]); which annotations are visible at all comes in as the view's
//! visibility predicate, so painting, hovering and hit testing agree.

use std::ops::RangeInclusive;

use egui::{Color32, Painter, Stroke};

use super::DocView;

/// The underline pattern of a coder's layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoderStyle {
    Solid,
    Dashed,
    Dotted,
    DashDot,
}

impl CoderStyle {
    /// The style of the `index`-th coder shown (patterns repeat after four coders).
    pub fn nth(index: usize) -> Self {
        [CoderStyle::Solid, CoderStyle::Dashed, CoderStyle::Dotted, CoderStyle::DashDot][index % 4]
    }

    /// "solid", "dashed", "dotted", "dash-dot".
    pub fn name(self) -> &'static str {
        match self {
            CoderStyle::Solid => "solid",
            CoderStyle::Dashed => "dashed",
            CoderStyle::Dotted => "dotted",
            CoderStyle::DashDot => "dash-dot",
        }
    }

    /// Lengths of drawn and skipped pieces, repeated (empty: one solid line).
    fn pattern(self) -> &'static [f32] {
        match self {
            CoderStyle::Solid => &[],
            CoderStyle::Dashed => &[6.0, 3.0],
            CoderStyle::Dotted => &[2.0, 2.0],
            CoderStyle::DashDot => &[7.0, 2.5, 2.0, 2.5],
        }
    }
}

/// A coder shown in the view, with the style of their underlines.
#[derive(Clone, Debug, PartialEq)]
pub struct CoderLayer {
    pub id: String,
    pub name: String,
    pub style: CoderStyle,
}

/// Draws an underline from `x.start()` to `x.end()` at `y` in `style` (`None`: solid).
pub fn underline(painter: &Painter, x: RangeInclusive<f32>, y: f32, color: Color32, style: Option<CoderStyle>) {
    let stroke = Stroke::new(2.0, color);
    let pattern = style.map_or(&[][..], CoderStyle::pattern);
    if pattern.is_empty() {
        painter.hline(x, y, stroke);
        return;
    }
    let (mut at, end) = (*x.start(), *x.end());
    let mut piece = 0;
    while at < end {
        let length = pattern[piece % pattern.len()];
        if piece % 2 == 0 {
            painter.hline(at..=(at + length).min(end), y, stroke);
        }
        at += length;
        piece += 1;
    }
}

impl DocView {
    /// The style of `annotator`'s underlines, when several coders are shown.
    pub(super) fn coder_style(&self, annotator: &str) -> Option<CoderStyle> {
        self.coder_layers.iter().find(|layer| layer.id == annotator).map(|layer| layer.style)
    }

    /// The coder's name for the hover list, when several coders are shown.
    pub(super) fn coder_name(&self, annotator: &str) -> Option<&str> {
        self.coder_layers.iter().find(|layer| layer.id == annotator).map(|layer| layer.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_coders_four_patterns_then_again() {
        let styles: Vec<CoderStyle> = (0..5).map(CoderStyle::nth).collect();
        assert_eq!(styles[0], CoderStyle::Solid);
        for (i, a) in styles[..4].iter().enumerate() {
            for b in &styles[i + 1..4] {
                assert_ne!(a.pattern(), b.pattern(), "{a:?} and {b:?} look the same");
            }
        }
        assert_eq!(styles[4], styles[0]);
    }
}
