//! The eframe/egui user interface. UI code reads the model and emits commands; the app turns
//! them into `Edit`s after the frame.

pub mod agreement;
pub mod annotation_list;
pub mod app;
pub mod bidi_text;
pub mod codebook_entries;
pub mod coding;
pub mod commands;
pub mod dialogs;
pub mod doc_view;
pub mod fonts;
pub mod grading;
pub mod import_job;
mod keys;
pub mod layer_filter;
pub mod memo_marks;
pub mod native_dialogs;
mod panels;
pub mod worker;
#[cfg(target_os = "linux")]
pub mod x11_focus;

pub use app::{AppConfig, SpanwiseApp};
pub use commands::Command;

/// Opens the main window and runs until it is closed.
pub fn run(file: Option<std::path::PathBuf>) -> eframe::Result {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Spanwise")
        .with_app_id("spanwise")
        .with_inner_size([1400.0, 900.0])
        .with_min_inner_size([700.0, 400.0])
        .with_drag_and_drop(true);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        // `fonts::install` adds the system fonts itself, lazily and after the bundled ones.
        system_font_fallback: false,
        ..Default::default()
    };
    eframe::run_native(
        "Spanwise",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            let dialogs = native_dialogs::NativeDialogs::system(native_dialogs::ParentWindow::of(cc));
            let mut app = SpanwiseApp::new(AppConfig::from_environment()).with_native_dialogs(dialogs);
            #[cfg(target_os = "linux")]
            {
                app.x11_focus = x11_focus::NoWmFocus::new(cc);
            }
            #[cfg(not(target_os = "linux"))]
            let _ = cc;
            if let Some(path) = std::env::var_os("SPANWISE_STATE_REPORT") {
                app.state_report = Some((path.into(), String::new()));
            }
            if let Some(file) = &file {
                app = app.with_file_in_background(file, &cc.egui_ctx);
            }
            Ok(Box::new(app))
        }),
    )
}
