//! Where `break FUNC` lands in a function's body: Delve's `FirstPCAfterPrologue`, read from
//! the line table alone. The one implementation `check` (`main_main`), `where`, `probe` and
//! `paths` use.
//!
//! Delve takes the first row flagged `prologue_end` (with `sameline`, only when it is on
//! the entry's line); else it disassembles the entry looking for a stack-split pattern it
//! knows. Those patterns load g from TLS, which regabi Go (1.17+) no longer does (g lives
//! in R14), so offline and live alike the answer is the entry, and Delve then takes the
//! first statement: of the entry's line (`FirstStmtForLine`, Delve 1.20) or of the whole
//! function (`FirstStmt`, Delve 1.27).

/// Where the fallback statement may lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstStmt {
    /// On the entry's line (Delve 1.20).
    OnEntryLine,
    /// Anywhere in the function (Delve 1.27).
    Anywhere,
}

/// A Delve version's prologue rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    pub first_stmt: FirstStmt,
    /// Delve 1.27 positions its line-table state machine at the entry; when the entry
    /// has no row of its own (compiler-generated wrappers and inits start their first
    /// sequence one byte in), neither the prologue_end nor the statement search finds
    /// anything and it binds at the entry. (Measured against Delve 1.27.1.)
    pub entry_needs_row: bool,
}

/// Delve up to 1.24 (verified: 1.20.2).
pub const DELVE_1_20: Rules = Rules {
    first_stmt: FirstStmt::OnEntryLine,
    entry_needs_row: false,
};

/// Delve 1.25 and later (verified: 1.27.1).
pub const DELVE_1_27: Rules = Rules {
    first_stmt: FirstStmt::Anywhere,
    entry_needs_row: true,
};

/// One row of the function, in address order: its address, (file, line), `is_stmt` and
/// `prologue_end` flags.
pub struct PrologueRow<K> {
    pub addr: u64,
    pub place: K,
    pub is_stmt: bool,
    pub prologue_end: bool,
}

/// Delve's `FirstPCAfterPrologue(fn, sameline)` for the function entered at `entry` whose
/// rows (in address order) are `rows`: the index of the row `break FUNC` binds at, and
/// whether it was a `prologue_end` row. `None` when no row qualifies: Delve then binds
/// at the entry. `check`'s `main_main` and `where` both answer through this.
pub fn break_row<K: PartialEq>(
    rows: &[PrologueRow<K>],
    entry: u64,
    sameline: bool,
    rules: Rules,
) -> Option<(usize, bool)> {
    if rules.entry_needs_row && rows.first().is_none_or(|r| r.addr != entry) {
        return None;
    }
    after_prologue(rows, sameline, rules.first_stmt)
}

/// The row `break FUNC` binds at: its index in `rows`, and whether it was a
/// `prologue_end` row. `None` when no row qualifies (Delve then binds at the entry).
fn after_prologue<K: PartialEq>(
    rows: &[PrologueRow<K>],
    sameline: bool,
    first_stmt: FirstStmt,
) -> Option<(usize, bool)> {
    let entry = &rows.first()?.place;
    if let Some(i) = rows.iter().position(|r| r.prologue_end) {
        if !sameline || rows[i].place == *entry {
            return Some((i, true));
        }
    }
    rows.iter()
        .position(|r| r.is_stmt && (first_stmt == FirstStmt::Anywhere || r.place == *entry))
        .map(|i| (i, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u32, is_stmt: bool, prologue_end: bool) -> PrologueRow<u32> {
        PrologueRow {
            addr: 0x1000 + u64::from(line),
            place: line,
            is_stmt,
            prologue_end,
        }
    }

    #[test]
    fn prologue_end_first_then_first_statement() {
        // Stack check on line 10, body from line 11.
        let rows = [
            row(10, true, false),
            row(10, false, false),
            row(11, true, true),
        ];
        assert_eq!(
            after_prologue(&rows, false, FirstStmt::Anywhere),
            Some((2, true))
        );
        // sameline: prologue_end on another line does not count; first stmt of line 10.
        assert_eq!(
            after_prologue(&rows, true, FirstStmt::OnEntryLine),
            Some((0, false))
        );
        // A leaf function: no prologue_end, the entry row is not a statement.
        let leaf = [row(20, false, false), row(21, true, false)];
        assert_eq!(
            after_prologue(&leaf, false, FirstStmt::Anywhere),
            Some((1, false))
        );
        assert_eq!(after_prologue(&leaf, false, FirstStmt::OnEntryLine), None);
        assert_eq!(after_prologue::<u32>(&[], false, FirstStmt::Anywhere), None);
    }

    #[test]
    fn delve_1_27_binds_at_an_entry_without_a_row() {
        let rows = [row(20, true, false), row(21, true, true)];
        // The first row is the entry: the usual search.
        assert_eq!(break_row(&rows, 0x1014, false, DELVE_1_27), Some((1, true)));
        // The first row is one byte past the entry (a wrapper): the entry itself.
        assert_eq!(break_row(&rows, 0x1013, false, DELVE_1_27), None);
        assert_eq!(break_row(&rows, 0x1013, false, DELVE_1_20), Some((1, true)));
    }
}
