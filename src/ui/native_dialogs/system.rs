//! The platform's file dialogs: `rfd` (the XDG desktop portal on Linux and the BSDs, the native
//! dialog on Windows and macOS), zenity where there is no portal.

use std::os::raw::c_ulong;
use std::time::Instant;

use raw_window_handle::{
    DisplayHandle, HandleError, HasDisplayHandle, HasWindowHandle, RawDisplayHandle, RawWindowHandle, WindowHandle,
    XlibDisplayHandle, XlibWindowHandle,
};

use super::{Answer, DialogBackend, NativeRequest};

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod portal;
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod zenity;

/// The main window, as an X11 window id: the parent that keeps a system dialog above it.
/// (Wayland and other platforms: none; the dialog is then an ordinary window.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParentWindow(c_ulong);

impl ParentWindow {
    pub fn of(window: &impl HasWindowHandle) -> Option<Self> {
        match window.window_handle().ok()?.as_raw() {
            RawWindowHandle::Xlib(handle) => Some(Self(handle.window)),
            RawWindowHandle::Xcb(handle) => Some(Self(c_ulong::from(handle.window.get()))),
            _ => None,
        }
    }
}

impl HasWindowHandle for ParentWindow {
    fn window_handle(&self) -> Result<WindowHandle<'_>, HandleError> {
        let raw = RawWindowHandle::Xlib(XlibWindowHandle::new(self.0));
        // SAFETY: an X11 window is named by a number, not a pointer: nothing is dereferenced or
        // freed, and `rfd` only writes it into the portal request as "x11:<id>".
        Ok(unsafe { WindowHandle::borrow_raw(raw) })
    }
}

impl HasDisplayHandle for ParentWindow {
    fn display_handle(&self) -> Result<DisplayHandle<'_>, HandleError> {
        let raw = RawDisplayHandle::Xlib(XlibDisplayHandle::new(None, 0));
        // SAFETY: no display pointer is given (`None`); the screen is a number.
        Ok(unsafe { DisplayHandle::borrow_raw(raw) })
    }
}

/// The platform's file dialogs. Linux and the BSDs: the XDG desktop portal through `rfd` (what
/// GNOME, KDE and Flatpak provide), else zenity, else none. Elsewhere: `rfd`'s native dialog.
pub struct SystemDialogs {
    parent: Option<ParentWindow>,
    /// What is tried before `rfd`, and how to read its "nothing".
    platform: platform::BeforeRfd,
}

impl SystemDialogs {
    pub fn new(parent: Option<ParentWindow>) -> Self {
        Self { parent, platform: platform::BeforeRfd::default() }
    }

    /// `rfd`'s dialog (the portal, on Linux).
    fn rfd_dialog(&self, request: &NativeRequest) -> Answer {
        let mut dialog = rfd::AsyncFileDialog::new().set_title(&request.title).set_directory(&request.dir);
        for filter in &request.filters {
            dialog = dialog.add_filter(&filter.name, &filter.extensions);
        }
        if let Some(name) = &request.file_name {
            dialog = dialog.set_file_name(name);
        }
        if let Some(parent) = &self.parent {
            dialog = dialog.set_parent(parent);
        }
        let started = Instant::now();
        if request.multiple && !request.saves {
            return match pollster::block_on(dialog.pick_files()) {
                Some(files) if !files.is_empty() => {
                    Answer::ChosenMany(files.iter().map(|file| file.path().to_owned()).collect())
                }
                _ => platform::rfd_nothing_chosen(started.elapsed()),
            };
        }
        let chosen =
            if request.saves { pollster::block_on(dialog.save_file()) } else { pollster::block_on(dialog.pick_file()) };
        match chosen {
            Some(file) => Answer::Chosen(file.path().to_owned()),
            None => platform::rfd_nothing_chosen(started.elapsed()),
        }
    }
}

impl DialogBackend for SystemDialogs {
    fn show(&self, request: &NativeRequest, shown: &dyn Fn()) -> Answer {
        if let Some(answer) = self.platform.show(request, self.parent, shown) {
            return answer;
        }
        shown();
        self.rfd_dialog(request)
    }

    fn close(&self) {
        self.platform.close();
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
)))]
mod platform {
    use std::time::Duration;

    use super::{Answer, NativeRequest, ParentWindow};

    /// Windows and macOS always have a file dialog: `rfd` shows it.
    #[derive(Default)]
    pub(super) struct BeforeRfd;

    impl BeforeRfd {
        pub(super) fn show(&self, _: &NativeRequest, _: Option<ParentWindow>, _: &dyn Fn()) -> Option<Answer> {
            None
        }

        pub(super) fn close(&self) {}
    }

    pub(super) fn rfd_nothing_chosen(_after: Duration) -> Answer {
        Answer::Cancelled
    }
}

/// Linux and the BSDs: the XDG desktop portal if the session bus has one (then `rfd`), else
/// zenity, else nothing.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod platform {
    use std::time::Duration;

    use super::{Answer, NativeRequest, ParentWindow, portal, zenity};

    #[derive(Default)]
    pub(super) struct BeforeRfd {
        zenity: zenity::Zenity,
    }

    impl BeforeRfd {
        /// `None` when the portal is there (`rfd` shows its dialog); else zenity's answer, or why
        /// there is no dialog.
        pub(super) fn show(
            &self,
            request: &NativeRequest,
            parent: Option<ParentWindow>,
            shown: &dyn Fn(),
        ) -> Option<Answer> {
            let no_portal = portal::probe().err()?;
            let Some(program) = zenity::program() else {
                return Some(Answer::Failed(format!("{no_portal}; zenity is not installed either")));
            };
            log::info!("{no_portal}; using {}", program.display());
            shown();
            Some(self.zenity.show(&program, request, parent))
        }

        pub(super) fn close(&self) {
            self.zenity.close();
        }
    }

    /// What `rfd` answering "nothing" means. rfd 0.17 says "nothing" both for Cancel and when the
    /// portal call failed (and zenity, its fallback, was not there either). The portal was probed
    /// just before, so failing is rare; when it happens it happens at once, and nobody can see and
    /// dismiss a dialog that fast.
    pub(super) fn rfd_nothing_chosen(after: Duration) -> Answer {
        if after < portal::AT_ONCE {
            Answer::Failed(format!("the desktop portal gave no dialog (answered in {} ms)", after.as_millis()))
        } else {
            Answer::Cancelled
        }
    }
}

#[cfg(test)]
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn nothing_from_the_portal_at_once_is_a_failure_later_a_cancel() {
        assert!(matches!(platform::rfd_nothing_chosen(Duration::from_millis(20)), Answer::Failed(_)));
        assert_eq!(platform::rfd_nothing_chosen(Duration::from_secs(2)), Answer::Cancelled);
    }
}
