//! Spanwise: annotate texts with claims, quotes, actors and recommendations.
//!
//! Layers (data flows one way): `store`/`formats` -> `model` -> `ui`; the UI changes the model
//! only through `edit::Edit`. Nothing below `ui` knows egui exists.

pub mod analysis;
pub mod cli;
pub mod edit;
pub mod formats;
pub mod generate;
pub mod model;
pub mod session;
pub mod settings;
pub mod store;
#[cfg(feature = "gui")]
pub mod ui;
