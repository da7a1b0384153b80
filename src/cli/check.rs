//! `debugdoctor check`: STUB, being written.

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &Context) -> u8 {
    super::EXIT_USAGE
}
