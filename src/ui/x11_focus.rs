//! Keyboard focus on an X11 display without a window manager.
//!
//! On X11 the window manager gives windows the keyboard focus. Without one (a kiosk, a bare
//! `Xvfb` session, some remote desktops) the window never receives a key: egui sees no
//! `WindowFocused(true)`, and typing goes nowhere. There, Spanwise takes the focus itself, as
//! ICCCM allows a client to: once when its window first appears, and again when the user clicks
//! into it while it does not have the focus. With a window manager this does nothing.

use raw_window_handle::{HasWindowHandle, RawWindowHandle};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, InputFocus, MapState};
use x11rb::rust_connection::RustConnection;

/// Takes the keyboard focus for one window when no window manager does.
pub struct NoWmFocus {
    connection: RustConnection,
    window: u32,
    /// The focus was taken once after the window appeared.
    initial_done: bool,
}

impl NoWmFocus {
    /// For the window behind `handle`, if it is an X11 window and no window manager runs.
    pub fn new(handle: &impl HasWindowHandle) -> Option<Self> {
        let window = match handle.window_handle().ok()?.as_raw() {
            RawWindowHandle::Xlib(xlib) => u32::try_from(xlib.window).ok()?,
            RawWindowHandle::Xcb(xcb) => xcb.window.get(),
            _ => return None,
        };
        let (connection, screen) = x11rb::connect(None).ok()?;
        let root = connection.setup().roots.get(screen)?.root;
        if window_manager_running(&connection, root).unwrap_or(true) {
            return None;
        }
        log::info!("no window manager: Spanwise gives its window the keyboard focus itself");
        Some(Self { connection, window, initial_done: false })
    }

    /// Called every frame before the UI: takes the focus when the window has just appeared, or
    /// when the user pressed a mouse button in it while it did not have the focus.
    pub fn tick(&mut self, ctx: &egui::Context) {
        let (focused, pressed) = ctx.input(|i| {
            let pressed =
                i.events.iter().any(|event| matches!(event, egui::Event::PointerButton { pressed: true, .. }));
            (i.focused, pressed)
        });
        if focused {
            self.initial_done = true;
            return;
        }
        if self.initial_done && !pressed {
            return;
        }
        match self.take_focus() {
            Ok(true) => self.initial_done = true,
            // Not mapped yet: try again next frame.
            Ok(false) => ctx.request_repaint_after(std::time::Duration::from_millis(50)),
            Err(err) => {
                log::warn!("cannot give the window the keyboard focus: {err}");
                self.initial_done = true;
            }
        }
    }

    /// Sets the input focus to the window once it is viewable; `Ok(false)` if it is not yet.
    fn take_focus(&self) -> Result<bool, Box<dyn std::error::Error>> {
        let attributes = self.connection.get_window_attributes(self.window)?.reply()?;
        if attributes.map_state != MapState::VIEWABLE {
            return Ok(false);
        }
        self.connection.set_input_focus(InputFocus::PARENT, self.window, x11rb::CURRENT_TIME)?.check()?;
        Ok(true)
    }
}

/// Whether a window manager announces itself on the root window (`_NET_SUPPORTING_WM_CHECK`,
/// EWMH) or holds the `WM_S<screen>` selection (ICCCM).
fn window_manager_running(connection: &RustConnection, root: u32) -> Result<bool, Box<dyn std::error::Error>> {
    let check = connection.intern_atom(true, b"_NET_SUPPORTING_WM_CHECK")?.reply()?.atom;
    if check != 0 {
        let property = connection.get_property(false, root, check, AtomEnum::WINDOW, 0, 1)?.reply()?;
        if property.value_len > 0 {
            return Ok(true);
        }
    }
    let screen = connection.setup().roots.iter().position(|s| s.root == root).unwrap_or(0);
    let selection = connection.intern_atom(true, format!("WM_S{screen}").as_bytes())?.reply()?.atom;
    if selection != 0 && connection.get_selection_owner(selection)?.reply()?.owner != 0 {
        return Ok(true);
    }
    Ok(false)
}
