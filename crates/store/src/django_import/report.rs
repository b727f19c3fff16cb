//! What an import did, table by table, and the rows it could not copy.

use std::fmt;

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The rows were written and committed.
    Written,
    /// A dry run: everything was worked out, then rolled back.
    DryRun,
    /// Some rows cannot be copied and leaving them out was not asked for:
    /// nothing was written.
    Refused,
}

/// The counts for one Django table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// The Django table's name, e.g. `auth_user`.
    pub table: &'static str,
    /// Rows read from the Django database.
    pub read: usize,
    /// Rows that are new here.
    pub created: usize,
    /// Rows already here with the same values.
    pub unchanged: usize,
    /// Rows already here whose values differ; kept as they are here.
    pub kept: usize,
    /// Rows that cannot be copied (each one is in the problems).
    pub invalid: usize,
}

impl TableReport {
    pub(crate) fn new(table: &'static str, read: usize) -> Self {
        Self {
            table,
            read,
            created: 0,
            unchanged: 0,
            kept: 0,
            invalid: 0,
        }
    }
}

impl fmt::Display for TableReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} read, {} new, {} already here, {} kept as they are here, {} invalid",
            self.table, self.read, self.created, self.unchanged, self.kept, self.invalid
        )
    }
}

/// A row that cannot be copied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The Django table the row is in.
    pub table: &'static str,
    /// The row's id as Django stores it.
    pub id: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} id={}: {}", self.table, self.id, self.message)
    }
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// One entry a table, in the order they were copied.
    pub tables: Vec<TableReport>,
    /// The rows that cannot be copied.
    pub problems: Vec<RowProblem>,
    /// Whether anything was written.
    pub outcome: Outcome,
}
