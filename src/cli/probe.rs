//! STUB: in progress.

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &Context) -> u8 {
    eprintln!("debugdoctor: not implemented yet");
    super::EXIT_USAGE
}
