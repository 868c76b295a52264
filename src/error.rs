//! The errors of the library's commands, one enum: every one ends the command before
//! anything ran, with exit code 2 (DESIGN.md §6), and is printed once, by the caller.

use thiserror::Error;

use crate::init::InitError;
use crate::load::LoadError;
use crate::settings::SettingError;
use crate::signoff::SignoffError;
use crate::sink::SinkError;

/// Why a command could not do its work.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Check files or plans could not be loaded: every problem found.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: "))]
    Load(Vec<LoadError>),
    /// An `ENVTRUTH_*` variable holds a value its flag would refuse.
    #[error(transparent)]
    Setting(#[from] SettingError),
    /// A report could not be written.
    #[error(transparent)]
    Output(#[from] SinkError),
    /// `init` could not write its check file.
    #[error(transparent)]
    Init(#[from] InitError),
    /// `signoff` found nothing to sign off.
    #[error(transparent)]
    Signoff(#[from] SignoffError),
}

impl Error {
    /// The exit code of every error: 2.
    pub fn exit_code(&self) -> u8 {
        2
    }
}
