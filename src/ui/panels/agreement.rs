//! The Agreement panel (Analysis › Agreement panel): which coders and documents; alpha_U per label,
//! overall and macro, corpus-wide and per document; span F1 exact and overlap against the first
//! coder; alpha for attributes; a chart per label or per document with CSV and PNG export; then
//! the compare view (`compare.rs`). Numbers are shown as `spanwise agree` prints them, "-" where
//! undefined with the reason on hover and listed under the tables.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Corner, GridMark, Legend, Plot};

use crate::analysis::Coefficient;
use crate::analysis::agreement::LabelAlphas;
use crate::analysis::report::show;
use crate::analysis::span_f1::{Mode, Scores};
use crate::model::Project;
use crate::ui::agreement::{AgreementCommand, Computed, all_annotators, default_coders};
use crate::ui::app::SpanwiseApp;
use crate::ui::commands::Command;

/// One group of bars of the chart: its name, alpha_U, and (per label) the overlap F1.
type Group = (String, Coefficient, Option<Coefficient>);

/// A value cell: the number, or "-" with the reason on hover.
fn value_ui(ui: &mut Ui, value: &Coefficient) {
    let response = ui.label(show(value));
    if let Err(why) = value {
        response.on_hover_text(&why.0);
    }
}

fn label_name(project: &Project, id: &str) -> String {
    project.codebook.label(id).map_or(id.to_owned(), |l| l.name.clone())
}

impl SpanwiseApp {
    pub(super) fn agreement_panel_ui(&mut self, ui: &mut Ui) {
        let mut pending = Vec::new();
        ui.horizontal_wrapped(|ui| {
            let mut compare = self.agreement.compare_shown;
            ui.selectable_value(&mut compare, false, RichText::new("Agreement").heading());
            ui.selectable_value(&mut compare, true, RichText::new("Compare and adjudicate").heading());
            if compare != self.agreement.compare_shown {
                pending.push(Command::Agreement(AgreementCommand::ShowCompare(compare)));
            }
        });
        ui.separator();
        if self.agreement_blinded() {
            ui.label(
                "Blind coding is on: agreement and the comparison show once you have marked every document they \
                 cover done (Document › Mark done for me), or when blind coding is turned off.",
            );
            ui.checkbox(&mut self.agreement.this_document_only, "Only the document shown");
            for command in pending {
                self.command(command);
            }
            return;
        }
        if self.agreement.compare_shown {
            egui::ScrollArea::both()
                .id_salt("compare_view")
                .auto_shrink([false, false])
                .show(ui, |ui| self.compare_ui(ui, &mut pending));
            for command in pending {
                self.command(command);
            }
            return;
        }
        // Both ways: a narrow window keeps every column of the tables reachable.
        egui::ScrollArea::both().id_salt("agreement_numbers").auto_shrink([false, false]).show(ui, |ui| {
            self.agreement_choice_ui(ui, &mut pending);
            ui.horizontal(|ui| {
                let ready = self.agreement.last().is_some();
                if ui
                    .add_enabled(ready, egui::Button::new("Export CSV…"))
                    .on_hover_text(
                        "Every value, with the reason where it is undefined, as spanwise agree --csv writes it",
                    )
                    .clicked()
                {
                    pending.push(Command::Agreement(AgreementCommand::ExportCsv));
                }
                let writing = self.agreement.png.is_some() || self.agreement.png_wanted.is_some();
                if ui
                    .add_enabled(ready && !writing, egui::Button::new("Export PNG…"))
                    .on_hover_text("The chart below as an image")
                    .clicked()
                {
                    pending.push(Command::Agreement(AgreementCommand::ExportPng));
                }
            });
            if let Some(note) = &self.agreement.export_note {
                ui.small(note);
            }
            if self.agreement_stale() {
                ui.horizontal_wrapped(|ui| {
                    ui.label("The project or the choice changed since these numbers were computed.");
                    if ui.button("Compute again").clicked() {
                        pending.push(Command::Agreement(AgreementCommand::Recompute));
                    }
                });
            }
            ui.separator();
            let (key, _) = self.agreement_key();
            if let Some((_, job)) = &self.agreement.job {
                let fraction = job.fraction();
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(if fraction > 0.0 {
                        format!("Computing… {:.0} %", fraction * 100.0)
                    } else {
                        "Computing…".into()
                    });
                });
            }
            match self.agreement.ready(key).or(self.agreement.computed.as_ref().map(|(_, c)| c)) {
                None => {}
                Some(Err(error)) => {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                Some(Ok(computed)) => {
                    let computed = computed.clone();
                    self.agreement_tables_ui(ui, &computed);
                    ui.separator();
                    self.agreement_chart_ui(ui, &computed, &mut pending);
                }
            }
        });
        for command in pending {
            self.command(command);
        }
    }

    fn agreement_choice_ui(&mut self, ui: &mut Ui, pending: &mut Vec<Command>) {
        let project = self.project();
        let chosen: Vec<String> = match &self.agreement.coders {
            Some(coders) => coders.clone(),
            None => match self.agreement.last() {
                Some(computed) => computed.report.annotators.clone(),
                None => default_coders(project),
            },
        };
        ui.label(RichText::new("Coders").strong()).on_hover_text("The first is the reference for F1");
        let mut next = chosen.clone();
        ui.horizontal_wrapped(|ui| {
            for id in all_annotators(project) {
                let mut on = chosen.contains(&id);
                if ui.checkbox(&mut on, &id).changed() {
                    if on {
                        next.push(id.clone());
                    } else {
                        next.retain(|c| *c != id);
                    }
                }
            }
        });
        if let Some(reference) = chosen.first() {
            egui::ComboBox::from_label("Reference for F1").selected_text(reference.as_str()).show_ui(ui, |ui| {
                for id in &chosen {
                    if ui.selectable_label(id == reference, id).clicked() && id != reference {
                        next.retain(|c| c != id);
                        next.insert(0, id.clone());
                    }
                }
            });
        }
        if next != chosen {
            pending.push(Command::Agreement(AgreementCommand::SetCoders(Some(next))));
        }
        if self.agreement.coders.is_some()
            && ui.small_button("Default coders").on_hover_text("Everyone with annotations except gold").clicked()
        {
            pending.push(Command::Agreement(AgreementCommand::SetCoders(None)));
        }
        ui.horizontal(|ui| {
            ui.label("Documents:");
            let mut only = self.agreement.this_document_only;
            ui.radio_value(&mut only, false, "All");
            ui.add_enabled_ui(self.current_document.is_some(), |ui| ui.radio_value(&mut only, true, "This one"));
            if only != self.agreement.this_document_only {
                pending.push(Command::Agreement(AgreementCommand::SetThisDocumentOnly(only)));
            }
        });
    }

    fn agreement_tables_ui(&self, ui: &mut Ui, computed: &Computed) {
        let project = self.project();
        let report = &computed.report;
        ui.label(format!(
            "Coders: {} ({} document{})",
            if report.annotators.is_empty() { "none".to_owned() } else { report.annotators.join(", ") },
            report.documents.len(),
            if report.documents.len() == 1 { "" } else { "s" }
        ));
        ui.label(RichText::new("Unitizing alpha (alpha_U), code points").strong());
        egui::Grid::new("alpha_u_table").striped(true).show(ui, |ui| {
            for header in ["label", "alpha_U", "D_o", "D_e", "units"] {
                ui.label(RichText::new(header).italics());
            }
            ui.end_row();
            for (label, result) in &report.alpha_u.per_label {
                ui.label(label_name(project, label));
                value_ui(ui, &result.alpha);
                ui.label(format!("{:.6}", result.observed));
                ui.label(format!("{:.6}", result.expected));
                ui.label(result.units.to_string());
                ui.end_row();
            }
            for (name, value) in [("overall", &report.alpha_u.overall), ("macro", &report.alpha_u.macro_average)] {
                ui.label(RichText::new(name).strong());
                value_ui(ui, value);
                ui.end_row();
            }
        });
        if report.alpha_u.merged_units > 0 {
            ui.small(format!(
                "{} overlapping spans of one coder and label were merged into one unit first",
                report.alpha_u.merged_units
            ));
        }
        if report.alpha_u_by_document.len() > 1 {
            ui.label(RichText::new("alpha_U per document").strong());
            egui::Grid::new("alpha_u_documents").striped(true).show(ui, |ui| {
                ui.label(RichText::new("document").italics());
                ui.label(RichText::new("overall").italics());
                ui.label(RichText::new("macro").italics());
                for label in &report.labels {
                    ui.label(RichText::new(label_name(project, label)).italics());
                }
                ui.end_row();
                for (document, alphas) in &report.alpha_u_by_document {
                    document_row_ui(ui, project, document, alphas);
                }
            });
        }
        match &report.f1_undefined {
            Some(why) => {
                ui.label(format!("Span F1: {why}"));
            }
            None => {
                let others = report.annotators.get(1..).unwrap_or_default().join(", ");
                let reference = report.annotators.first().map_or("", String::as_str);
                ui.label(RichText::new(format!("Span F1 of {others} against {reference}")).strong());
                egui::Grid::new("f1_table").striped(true).show(ui, |ui| {
                    for header in ["label", "exact P", "R", "F1", "overlap P", "R", "F1"] {
                        ui.label(RichText::new(header).italics());
                    }
                    ui.end_row();
                    let row = |ui: &mut Ui, name: &str, exact: Scores, overlap: Scores| {
                        ui.label(name);
                        for scores in [&exact, &overlap] {
                            value_ui(ui, &scores.precision);
                            value_ui(ui, &scores.recall);
                            value_ui(ui, &scores.f1);
                        }
                        ui.end_row();
                    };
                    for (label, counts) in report.labels.iter().zip(&report.f1.per_label) {
                        row(ui, &label_name(project, label), counts.scores(Mode::Exact), counts.scores(Mode::Overlap));
                    }
                    row(ui, "micro", report.f1.micro(Mode::Exact), report.f1.micro(Mode::Overlap));
                    row(ui, "macro", report.f1.macro_average(Mode::Exact), report.f1.macro_average(Mode::Overlap));
                });
            }
        }
        ui.label(RichText::new("Attributes (Krippendorff's alpha on spans the coders marked identically)").strong());
        if computed.attributes.is_empty() {
            ui.label("No coder gave an attribute a value");
        }
        for (i, (id, result)) in computed.attributes.iter().enumerate() {
            match result {
                Ok(a) => {
                    let interval = computed.intervals.get(i).and_then(Option::as_ref);
                    let line = crate::analysis::report::attribute_line(id, a, interval);
                    let response = ui.label(line);
                    if let Err(why) = &a.alpha.alpha {
                        response.on_hover_text(&why.0);
                    }
                }
                Err(why) => {
                    ui.label(format!("{id}: - ({why})"));
                }
            }
        }
        ui.small(
            "Document variables: a project holds one value per document, so their agreement is computed when \
             coders' files are brought together (spanwise combine prints it).",
        );
        if !computed.undefined.is_empty() {
            egui::CollapsingHeader::new(format!("Undefined (shown as -): {}", computed.undefined.len()))
                .id_salt("agreement_undefined")
                .show(ui, |ui| {
                    for line in &computed.undefined {
                        ui.small(line);
                    }
                });
        }
    }

    fn agreement_chart_ui(&mut self, ui: &mut Ui, computed: &Computed, pending: &mut Vec<Command>) {
        let project = self.project();
        let report = &computed.report;
        ui.horizontal(|ui| {
            ui.label(RichText::new("Chart").strong());
            let mut by_document = self.agreement.chart_by_document;
            ui.radio_value(&mut by_document, false, "Per label");
            ui.radio_value(&mut by_document, true, "Per document");
            if by_document != self.agreement.chart_by_document {
                pending.push(Command::Agreement(AgreementCommand::SetChartByDocument(by_document)));
            }
        });
        // (name, alpha_U, overlap F1) per bar group.
        let groups: Vec<Group> = if self.agreement.chart_by_document {
            let name = |id: &str| project.document(id).map_or(id.to_owned(), |d| d.name.clone());
            report.alpha_u_by_document.iter().map(|(d, a)| (name(d), a.overall.clone(), None)).collect()
        } else {
            report
                .alpha_u
                .per_label
                .iter()
                .zip(&report.f1.per_label)
                .map(|((l, a), f)| (label_name(project, l), a.alpha.clone(), Some(f.scores(Mode::Overlap).f1)))
                .collect()
        };
        let title =
            if self.agreement.chart_by_document { "alpha_U overall per document" } else { "Agreement per label" };
        let names: Vec<String> = groups.iter().map(|(n, _, _)| n.clone()).collect();
        // Horizontal bars, first group on top: long label and document names fit on the axis.
        let count = groups.len();
        let position = move |i: usize| (count - 1 - i) as f64;
        let bars = |pick: &dyn Fn(&Group) -> Option<f64>, shift: f64| {
            groups
                .iter()
                .enumerate()
                .filter_map(|(i, g)| pick(g).map(|v| Bar::new(position(i) + shift, v).name(&g.0).width(0.38)))
                .collect::<Vec<_>>()
        };
        let with_f1 = !self.agreement.chart_by_document && report.f1_undefined.is_none();
        let alpha_bars = bars(&|g| g.1.as_ref().ok().copied(), if with_f1 { 0.2 } else { 0.0 });
        let f1_bars = bars(&|g| g.2.as_ref().and_then(|f| f.as_ref().ok()).copied(), -0.2);
        let height = (100.0 + 34.0 * count as f32).clamp(180.0, 640.0);
        // While the chart is being captured for the PNG, no hover label or crosshair is drawn on it.
        let capturing = self.agreement.png_wanted.is_some() || self.agreement.png.is_some();
        // As wide as the panel shows (the numbers above may scroll sideways; the chart does not).
        let width = (ui.clip_rect().right() - ui.cursor().left() - 8.0).max(200.0);
        let chart = ui
            .scope(|ui| {
                ui.set_max_width(width);
                ui.label(RichText::new(title).strong());
                let formatter_names = names.clone();
                Plot::new("agreement_chart")
                    .width(width)
                    .height(height)
                    .legend(Legend::default().position(Corner::RightTop))
                    .allow_zoom(false)
                    .allow_drag(false)
                    .allow_scroll(false)
                    .allow_boxed_zoom(false)
                    .allow_double_click_reset(false)
                    .show_x(!capturing)
                    .show_y(!capturing)
                    .include_x(0.0)
                    .include_x(1.0)
                    .include_y(-0.6)
                    // Room above the bars for the legend.
                    .include_y(count as f64 + if with_f1 { 0.6 } else { 0.1 })
                    .x_axis_label("agreement (alpha_U, F1)")
                    .y_axis_label(if self.agreement.chart_by_document { "document" } else { "label" })
                    .y_grid_spacer(move |_| (0..count).map(|i| GridMark { value: i as f64, step_size: 1.0 }).collect())
                    .y_axis_formatter(move |mark, _| {
                        let index = mark.value.round();
                        if (mark.value - index).abs() > 1e-6 || index < 0.0 || index as usize >= count {
                            return String::new();
                        }
                        formatter_names.get(count - 1 - index as usize).cloned().unwrap_or_default()
                    })
                    .show(ui, |plot| {
                        let value = |measure: &'static str| {
                            Box::new(move |bar: &Bar, _: &BarChart| format!("{} {measure}: {:.3}", bar.name, bar.value))
                        };
                        plot.bar_chart(
                            BarChart::new("alpha_U", alpha_bars)
                                .horizontal()
                                .allow_hover(!capturing)
                                .element_formatter(value("alpha_U")),
                        );
                        if with_f1 {
                            plot.bar_chart(
                                BarChart::new("F1 (overlap)", f1_bars)
                                    .horizontal()
                                    .allow_hover(!capturing)
                                    .element_formatter(value("F1 (overlap)")),
                            );
                        }
                    });
                let undefined: Vec<&str> = groups.iter().filter(|g| g.1.is_err()).map(|(n, _, _)| n.as_str()).collect();
                if !undefined.is_empty() {
                    ui.small(format!("No alpha_U bar (undefined): {}", undefined.join(", ")));
                }
            })
            .response;
        self.agreement.chart_rect = Some(chart.rect);
        if self.agreement.png_wanted.is_some() {
            // The image is cut from the window: the whole chart must be on screen first. A window
            // too small to show it all gives the part it shows (after half a second of trying).
            self.agreement.png_frames += 1;
            if ui.clip_rect().contains_rect(chart.rect) || self.agreement.png_frames > 30 {
                self.agreement.png_frames = 0;
                self.start_png(ui.ctx(), chart.rect.intersect(ui.clip_rect()));
            } else {
                chart.scroll_to_me_animation(Some(egui::Align::Center), egui::style::ScrollAnimation::none());
                ui.ctx().request_repaint();
            }
        }
    }
}

fn document_row_ui(ui: &mut Ui, project: &Project, document: &str, alphas: &LabelAlphas) {
    ui.label(project.document(document).map_or(document.to_owned(), |d| d.name.clone()));
    value_ui(ui, &alphas.overall);
    value_ui(ui, &alphas.macro_average);
    for (_, result) in &alphas.per_label {
        value_ui(ui, &result.alpha);
    }
    ui.end_row();
}
