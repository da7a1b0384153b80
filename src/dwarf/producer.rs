//! `DW_AT_producer` of Go compile units: `Go cmd/compile go1.25.5; -N -l regabi`.
//! The flags after `;` are the compiler flags that matter for debugging. Delve treats a
//! unit as optimised unless both `-N` and `-l` are present (pkg/proc/bininfo.go).

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProducerFlags {
    /// `-N`: optimisations disabled.
    pub no_opt: bool,
    /// `-l`: inlining disabled.
    pub no_inline: bool,
    /// Every flag token after the `;`, in order (`-N`, `-l`, `regabi`, `-shared`...).
    pub tokens: Vec<String>,
}

impl ProducerFlags {
    pub fn parse(producer: &str) -> ProducerFlags {
        let mut flags = ProducerFlags::default();
        if let Some((_, rest)) = producer.split_once(';') {
            for tok in rest.split_whitespace() {
                match tok {
                    "-N" => flags.no_opt = true,
                    "-l" => flags.no_inline = true,
                    _ => {}
                }
                flags.tokens.push(tok.to_string());
            }
        }
        flags
    }

    /// As Delve decides: optimised unless both `-N` and `-l`.
    pub fn optimized(&self) -> bool {
        !(self.no_opt && self.no_inline)
    }
}

/// `Go cmd/compile go1.25.5; regabi` → `Some("go1.25.5")`.
pub fn go_version(producer: &str) -> Option<&str> {
    let head = producer.split(';').next()?;
    head.strip_prefix("Go cmd/compile ").map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimised_unless_both_n_and_l() {
        let f = ProducerFlags::parse("Go cmd/compile go1.25.5; regabi");
        assert!(f.optimized() && !f.no_opt && !f.no_inline);
        assert_eq!(f.tokens, vec!["regabi"]);
        let f = ProducerFlags::parse("Go cmd/compile go1.25.5; -N -l regabi");
        assert!(!f.optimized());
        // Runtime packages keep optimisation: only -l.
        let f = ProducerFlags::parse("Go cmd/compile go1.25.5; -l regabi");
        assert!(f.optimized() && f.no_inline);
        let f = ProducerFlags::parse("Go cmd/compile go1.19.8");
        assert!(f.optimized() && f.tokens.is_empty());
        assert_eq!(go_version("Go cmd/compile go1.19.8"), Some("go1.19.8"));
        assert_eq!(go_version("GNU C17 12.2.0 -mtune=generic"), None);
    }
}
